#!/usr/bin/python3
"""Benchmark for the OpenPGP engines (issue 18): `imgtrust validate` over N GPG-signed
images with --openpgp-engine gpgme and rnp, beside a sigstore run over the same list,
and cold single-image `verify`. Not a test: it prints figures and ratios, never fails
on timing.

One run:
  1. starts Debian's docker-registry on 127.0.0.1 (plain HTTP, free port, stopped by PID);
  2. pushes N images (default 200; small distinct layers and configs, over 10
     repositories), each signed twice: a simple signing signature by
     gpg-primary-only (gpg, fixture GNUPGHOME) in a file:// lookaside, and a cosign
     signature attachment (ECDSA P-256);
  3. validate --jobs J with a policy holding one signedBy (keyPath) requirement,
     --openpgp-engine gpgme, then rnp; validate --jobs J -p ecdsa-p256.pub (sigstore),
     the same list; --rounds times each, interleaved; the best round is reported;
  4. CPU per signature: user+sys of the validate process and its children (gpg) from
     getrusage(RUSAGE_CHILDREN), divided by N (one signature verified per image);
  5. cold `verify` of one local dir: image (tests/fixtures/images gpg-valid-app-v1,
     sigstore-ecdsa-p256-app-v1), a fresh process each time, median of 10, per engine.
Goals: GPG validate rate >= 0.5 of the sigstore rate; cold GPG verify <= 2x sigstore.

Usage: openpgp_bench.py --imgtrust BIN [-n 200] [--jobs 8] [--rounds 2] [--cold 10]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration", "registry"))
sys.path.insert(0, HERE)
import publish  # noqa: E402
import bench_common  # noqa: E402

KEY, PUB = publish.fixture_key("ecdsa-p256.key"), publish.fixture_key("ecdsa-p256.pub")
GPG_KEY = publish.fixture_key("gpg-primary-only.gpg")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
REPOSITORIES = 10


def simple_signing_payload(reference, digest):
    return json.dumps({"critical": {"identity": {"docker-reference": reference},
                                    "image": {"docker-manifest-digest": digest},
                                    "type": "atomic container signature"},
                       "optional": {"creator": "bench/openpgp_bench.py"}}).encode()


def gpg_sign(gnupg, payload):
    return subprocess.run(["gpg", "--batch", "--no-tty", "--local-user", publish.SIGNER_PRIMARY_ONLY, "--sign"],
                          input=payload, capture_output=True, check=True, env=gnupg.env(), timeout=60).stdout


def push_images(registry, lookaside, count):
    """Pushes `count` images, each with a lookaside GPG signature and a cosign attachment."""
    names = []
    with publish.GnupgHome() as gnupg:
        for index in range(count):
            repository, tag = "bench/app%02d" % (index % REPOSITORIES), "v%d" % index
            target = publish.sigstore_push.RegistryTarget(registry.url, repository)
            layer = target.upload_blob(os.urandom(1024))
            config = target.upload_blob(json.dumps({"architecture": "amd64", "os": "linux",
                                                    "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}).encode())
            manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                        "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config),
                        "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **layer)]}
            digest = target.put_manifest(tag, json.dumps(manifest).encode(), OCI_MANIFEST)
            reference = "%s/%s:%s" % (registry.host, repository, tag)
            signature_dir = os.path.join(lookaside, "%s@%s" % (repository, digest.replace(":", "=")))
            os.makedirs(signature_dir)
            with open(os.path.join(signature_dir, "signature-1"), "wb") as out:
                out.write(gpg_sign(gnupg, simple_signing_payload(reference, digest)))
            publish.sigstore_push.push_attachment(target, digest, [publish.sigstore_push.make_signature(reference, digest, KEY, PUB)])
            names.append("%s:%s" % (repository, tag))
            if (index + 1) % 50 == 0:
                print("  pushed %d/%d" % (index + 1, count), flush=True)
    return names


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(command):
    """(wall seconds, CPU seconds of the process and its waited-for children)."""
    cpu_before, started = children_cpu(), time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    seconds, cpu = time.monotonic() - started, children_cpu() - cpu_before
    if completed.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(command[:3]), completed.returncode, completed.stderr[-2000:]))
    return seconds, cpu


def validate_command(arguments, workdir, list_path, label, trust):
    return [arguments.imgtrust, "validate", "-f", list_path, "--tls-verify=false", "-j", str(arguments.jobs),
            "-a", "amd64", "-o", os.path.join(workdir, label + "-failed.txt"),
            "-r", os.path.join(workdir, label + "-report.json"), "-y"] + trust


def gpg_policy(workdir, identity=None):
    requirement = {"type": "signedBy", "keyType": "GPGKeys", "keyPath": GPG_KEY}
    if identity:
        requirement["signedIdentity"] = {"type": "exactReference", "dockerReference": identity}
    path = os.path.join(workdir, "gpg-policy-%s.json" % ("dir" if identity else "docker"))
    with open(path, "w") as out:
        json.dump({"default": [requirement]}, out)
    return path


def sigstore_dir_policy(workdir):
    path = os.path.join(workdir, "sigstore-policy-dir.json")
    with open(path, "w") as out:
        json.dump({"default": [{"type": "sigstoreSigned", "keyPath": PUB, "signedIdentity":
                                {"type": "exactReference", "dockerReference": "registry.example.com/app:v1"}}]}, out)
    return path


def validate_runs(arguments, registry, workdir, names):
    """Best (wall, cpu) per configuration over interleaved rounds."""
    list_path = bench_common.write_list(os.path.join(workdir, "list.txt"), names, registry.host)
    registries_d = os.path.join(workdir, "registries.d")
    publish.write_registries_d(registries_d, {registry.host: {"lookaside": "file://" + os.path.join(workdir, "lookaside")}})
    policy = gpg_policy(workdir)
    configurations = {
        "gpgme": ["--policy", policy, "--registries.d", registries_d, "--openpgp-engine", "gpgme"],
        "rnp": ["--policy", policy, "--registries.d", registries_d, "--openpgp-engine", "rnp"],
        "sigstore": ["-p", PUB, "--registries.d", registries_d],
    }
    best = {}
    for round_number in range(arguments.rounds):
        for label, trust in configurations.items():
            seconds, cpu = timed_run(validate_command(arguments, workdir, list_path, label, trust))
            print("  round %d %-8s %6.2f s wall, %6.2f s CPU" % (round_number + 1, label, seconds, cpu), flush=True)
            if label not in best or seconds < best[label][0]:
                best[label] = (seconds, cpu)
    return best


def cold_verify(arguments, workdir):
    """Median wall seconds of --cold fresh `verify` processes per configuration."""
    gpg_image = "dir:" + publish.fixture_image("gpg-valid-app-v1")
    sigstore_image = "dir:" + publish.fixture_image("sigstore-ecdsa-p256-app-v1")
    gpg = gpg_policy(workdir, "registry.example.com/app:v1")
    configurations = {
        "gpgme": ["--policy", gpg, "--openpgp-engine", "gpgme", gpg_image],
        "rnp": ["--policy", gpg, "--openpgp-engine", "rnp", gpg_image],
        "sigstore": ["--policy", sigstore_dir_policy(workdir), sigstore_image],
    }
    samples = {label: [] for label in configurations}
    for _ in range(arguments.cold):
        for label, options in configurations.items():
            seconds, _cpu = timed_run([arguments.imgtrust, "verify"] + options)
            samples[label].append(seconds)
    return {label: statistics.median(values) for label, values in samples.items()}


def report(arguments, best, cold):
    n = arguments.n
    rates = {label: n / seconds for label, (seconds, _cpu) in best.items()}
    print("\n%-40s %10s %16s" % ("", "images/s", "CPU ms per image"))
    for label, title in (("gpgme", "validate -j %d, signedBy, gpgme"), ("rnp", "validate -j %d, signedBy, rnp"),
                         ("sigstore", "validate -j %d, sigstore key (-p)")):
        print("%-40s %10.1f %16.2f" % (title % arguments.jobs, rates[label], 1000 * best[label][1] / n))
    print("\nCPU per GPG signature (validate CPU / N, process and children): gpgme %.2f ms, rnp %.2f ms (%.1fx less)" % (
        1000 * best["gpgme"][1] / n, 1000 * best["rnp"][1] / n, best["gpgme"][1] / best["rnp"][1]))
    print("cold verify of one dir: image, median of %d: gpgme %.0f ms, rnp %.0f ms, sigstore %.0f ms" % (
        arguments.cold, 1000 * cold["gpgme"], 1000 * cold["rnp"], 1000 * cold["sigstore"]))
    print("\nratios (goal):")
    for engine in ("gpgme", "rnp"):
        print("  %-5s validate rate / sigstore rate  %6.2f   (>= 0.5)" % (engine, rates[engine] / rates["sigstore"]))
        print("  %-5s cold verify / sigstore         %6.2fx  (<= 2x)" % (engine, cold[engine] / cold["sigstore"]))


def main():
    parser = argparse.ArgumentParser(description="imgtrust OpenPGP engine benchmark")
    parser.add_argument("--imgtrust", required=True)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cold", type=int, default=10)
    arguments = parser.parse_args()
    arguments.imgtrust = os.path.abspath(arguments.imgtrust)
    print("load average before: %.1f %.1f %.1f" % os.getloadavg())
    bench_common.print_machine_and_build(arguments.imgtrust)
    with bench_common.registry_workdir("imgtrust-openpgp-bench-") as (workdir, registry):
        started = time.monotonic()
        names = push_images(registry, os.path.join(workdir, "lookaside"), arguments.n)
        print("pushed %d images, each GPG-signed (lookaside) and cosign-signed, in %.0f s" % (
            arguments.n, time.monotonic() - started), flush=True)
        best = validate_runs(arguments, registry, workdir, names)
        cold = cold_verify(arguments, workdir)
        report(arguments, best, cold)
        print("load average after: %.1f %.1f %.1f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
