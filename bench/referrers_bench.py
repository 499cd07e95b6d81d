#!/usr/bin/python3
"""Benchmark for Sigstore bundle discovery through the referrers tag schema
(issue 14): throughput against a raw HTTP floor that makes the same requests,
and registry requests per image. Not a test: it prints figures and ratios, and
never fails on timing.

One run:
  1. starts Debian's docker-registry on 127.0.0.1 (plain HTTP, free port, stopped
     by PID). It has no referrers API, so cosign v3 (go-containerregistry) would
     publish bundles with the referrers tag schema, and so does this script;
  2. pushes N images (default 200): the fixture image tests/fixtures/images/unsigned
     into N repositories bench/imgNNN (one manifest digest, so one Sigstore bundle
     from tests/fixtures/bundles fits them all; distinct repositories, so nothing is
     shared through imgtrust's per-repository manifest cache), each with one bundle
     referrer (tests/fixtures/bundles/keyed/valid-image-rekor.sigstore.json, signed by
     tests/fixtures/keys/ecdsa-p256.key) listed under the tag "sha256-<hex>", and no
     "sha256-<hex>.sig" attachment;
  3. imgtrust validate --jobs J over the N tag references (sigstore attachments are
     always read in hangar mode, so the .sig tag is probed too);
  4. the raw floor: raw-referrers-client (bench/raw_referrers_client.cpp) at the same
     parallelism: manifest, .sig probe (404), referrers tag, referrer manifest,
     bundle blob per image on one reused connection per thread, no verification.
Prints images/s, requests per image, and the ratios against the targets
(>= 0.9 of the raw floor; <= 5 requests per image with the .sig probe, <= 4 without).
imgtrust runs with --match-digest-only --trusted-root (keyed-trusted_root.json)
when its validate has them, so every image is accepted; the verified count is
read from its report. imgtrust's requests are also counted by kind from the
registry's access log (image manifest, .sig probe, referrers API, referrers tag,
referrer manifest, bundle blob), so the per-image figure is printed with and
without the .sig probe.

Usage: referrers_bench.py --imgtrust BIN --raw-client BIN [-n 200] [--jobs 16]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration", "registry"))
import publish  # noqa: E402
import referrers_push as rp  # noqa: E402
import bench_common  # noqa: E402
from validate_bench import timed  # noqa: E402

PUB = publish.fixture_key("ecdsa-p256.pub")
IMAGE = publish.fixture_image("unsigned")
BUNDLE = os.path.join(publish.FIXTURES, "bundles", "keyed", "valid-image-rekor.sigstore.json")
TRUSTED_ROOT = os.path.join(publish.FIXTURES, "bundles", "trust", "keyed-trusted_root.json")


def push_images(registry, count):
    """The fixture image and one bundle referrer in each of `count` repositories."""
    with open(os.path.join(IMAGE, "manifest.json"), "rb") as source:
        manifest = source.read()
    with open(BUNDLE, "rb") as source:
        bundle = source.read()
    media_type = json.loads(manifest).get("mediaType", rp.OCI_MANIFEST)
    subject = rp.subject_of(manifest, media_type)
    blobs = [name for name in os.listdir(IMAGE) if len(name) == 64]
    names = []
    for index in range(count):
        repository = "bench/img%03d" % index
        target = publish.sigstore_push.RegistryTarget(registry.url, repository)
        for blob in blobs:
            with open(os.path.join(IMAGE, blob), "rb") as source:
                target.upload_blob(source.read())
        target.put_manifest("v1", manifest, media_type)
        descriptor, _ = rp.push_bundle(target, subject, bundle)
        rp.set_referrers_tag(target, subject["digest"], [descriptor])
        names.append(repository + ":v1")
        if (index + 1) % 50 == 0:
            print("  pushed %d/%d" % (index + 1, count), flush=True)
    return names


def cpu_seconds(completed):
    """User + system CPU seconds from /usr/bin/time -v."""
    total = 0.0
    for field in ("User time", "System time"):
        found = re.search(field + r" \(seconds\): ([0-9.]+)", completed.stderr)
        total += float(found.group(1)) if found else 0.0
    return total


def run_imgtrust(arguments, registry, workdir, names):
    list_path = bench_common.write_list(os.path.join(workdir, "images.txt"), names, registry.host)
    report = os.path.join(workdir, "report.json")
    command = [arguments.imgtrust, "validate", "-f", list_path, "-p", PUB, "--tls-verify=false", "-j", str(arguments.jobs),
               "-o", os.path.join(workdir, "failed.txt"), "-r", report, "-y"]
    # A bundle names no image: validate accepts it only with --match-digest-only (and its trusted root).
    help_text = subprocess.run([arguments.imgtrust, "validate", "--help"], capture_output=True, text=True).stdout
    if "--match-digest-only" in help_text and "--trusted-root" in help_text:
        command += ["--match-digest-only", "--trusted-root", TRUSTED_ROOT]
    before = registry.request_count()
    seconds, _, requests, completed = timed(command, registry)
    if completed.returncode not in (0, 1) or not os.path.exists(report):
        raise RuntimeError("imgtrust validate failed (%d): %s" % (completed.returncode, completed.stderr[-2000:]))
    kinds = request_kinds(registry.request_lines()[before:])
    with open(report) as handle:
        verified = sum(1 for result in json.load(handle)["results"] if result["status"] == "verified")
    return seconds, requests, cpu_seconds(completed), completed.returncode, kinds, verified


REQUEST_KINDS = (("referrers API", re.compile(r"/referrers/")),
                 (".sig probe", re.compile(r"/manifests/sha256-[0-9a-f]{64}\.sig ")),
                 ("referrers tag", re.compile(r"/manifests/sha256-[0-9a-f]{64} ")),
                 ("referrer manifest", re.compile(r"/manifests/sha256:")),
                 ("image manifest", re.compile(r"/manifests/")),
                 ("bundle blob", re.compile(r"/blobs/")))


def request_kinds(lines):
    return bench_common.request_kinds(lines, REQUEST_KINDS)


def run_raw(arguments, registry, workdir, names):
    list_path = bench_common.write_list(os.path.join(workdir, "raw.txt"), names)
    seconds, _, requests, completed = timed([arguments.raw_client, registry.url, list_path, str(arguments.jobs)], registry)
    if completed.returncode != 0:
        raise RuntimeError("raw client failed: " + completed.stdout + completed.stderr[-1000:])
    return seconds, requests, cpu_seconds(completed)


def main():
    parser = argparse.ArgumentParser(description="Sigstore bundle discovery benchmark (referrers tag schema)")
    parser.add_argument("--imgtrust", required=True)
    parser.add_argument("--raw-client", required=True)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs of each client")
    arguments = parser.parse_args()
    bench_common.print_machine_and_build(arguments.imgtrust)
    with bench_common.registry_workdir("imgtrust-referrers-bench-") as (workdir, registry):
        started = time.monotonic()
        names = push_images(registry, arguments.n)
        print("pushed %d images with a bundle referrer each in %.0f s" % (arguments.n, time.monotonic() - started))
        # Interleaved rounds: the VM's load moves single runs by +-15% or more.
        runs = {"imgtrust": [], "raw": []}
        for _ in range(arguments.rounds):
            runs["imgtrust"].append(run_imgtrust(arguments, registry, workdir, names))
            runs["raw"].append(run_raw(arguments, registry, workdir, names))
        n = arguments.n
        print("\n%-40s %10s %12s %14s" % ("", "images/s", "requests/img", "CPU ms/img"))
        for name, label in (("imgtrust", "imgtrust validate -j %d" % arguments.jobs),
                            ("raw", "raw floor client, %d threads" % arguments.jobs)):
            for i, run in enumerate(runs[name]):
                print("%-40s %10.1f %12.2f %14.2f" % ("%s, run %d" % (label, i + 1), n / run[0], run[1] / n,
                                                      1000 * run[2] / n))
        best_imgtrust = min(runs["imgtrust"], key=lambda run: run[0])
        best_raw = min(runs["raw"], key=lambda run: run[0])
        median = lambda values: sorted(values)[len(values) // 2]
        print("imgtrust validate exit code: %d (%s), %d/%d images verified" % (
            best_imgtrust[3], "all accepted" if best_imgtrust[3] == 0 else "not all accepted: see the report",
            best_imgtrust[5], n))
        kinds = best_imgtrust[4]
        print("imgtrust requests by kind (best run): " + ", ".join("%s %d" % item for item in sorted(kinds.items())))
        without_sig = sum(count for kind, count in kinds.items() if kind != ".sig probe")
        print("  per image: %.2f with the .sig probe, %.2f without it" % (best_imgtrust[1] / n, without_sig / n))
        print("\nratios (target):")
        print("  imgtrust / raw floor, best runs     %6.2f   (>= 0.9)" % (best_raw[0] / best_imgtrust[0]))
        print("  imgtrust / raw floor, median runs   %6.2f" % (median([r[0] for r in runs["raw"]]) /
                                                                median([r[0] for r in runs["imgtrust"]])))
        print("  requests per tag image              %6.2f   (<= 5 with the .sig probe; plus the referrers API"
              " probes of the first concurrent jobs, once per run)" % (best_imgtrust[1] / n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
