#!/usr/bin/python3
"""Benchmark for `imgtrust validate` (issue 9): throughput against skopeo and a raw
HTTP floor, registry requests per image, and peak RSS. Not a test: it prints
figures and ratios, and never fails on timing.

One run:
  1. starts Debian's docker-registry on 127.0.0.1 (plain HTTP, free port, stopped by PID);
  2. pushes N images (default 200), each with its own 32 MiB random layer and its own
     config (distinct manifests), half Docker schema 2 and half OCI, spread over 10
     repositories; signs each with a cosign signature attachment (ECDSA P-256);
  3. imgtrust validate --jobs 16 over the N images (wall time, peak RSS, requests);
  4. the raw floor: raw-floor-client (bench/raw_floor_client.cpp) at the same
     parallelism, doing only manifest + .sig manifest + signature blob per image on
     one reused connection per thread, with no verification;
  5. skopeo copy docker://… dir:TMP, 4 at a time, with an insecureAcceptAnything
     policy (Debian's skopeo cannot verify sigstore; its cost is the copy), over
     --skopeo-images of the N images (default 40: the rate does not depend on N);
  6. the memory run: imgtrust validate --jobs 16 over a list of --rss-images lines
     (default 10,000) that names the N images again and again.
Prints images/s, requests per image, peak RSS, and the ratios against the targets
(≥30x skopeo, ≥0.9 of the raw floor, ≤3.0 requests per image, <64 MiB at 10k).

Usage: validate_bench.py --imgtrust BIN --raw-client BIN [-n 200] [--layer-mib 32]
                         [--jobs 16] [--skopeo-images 40] [--rss-images 10000]
"""
import argparse
import concurrent.futures
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration", "registry"))
import bench_common  # noqa: E402
import publish  # noqa: E402

KEY, PUB = publish.fixture_key("ecdsa-p256.key"), publish.fixture_key("ecdsa-p256.pub")
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
REPOSITORIES = 10


def image_manifest(index, layer, config):
    if index % 2 == 0:
        return DOCKER_MANIFEST, {
            "schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
            "config": dict(mediaType="application/vnd.docker.container.image.v1+json", **config),
            "layers": [dict(mediaType="application/vnd.docker.image.rootfs.diff.tar.gzip", **layer)]}
    return OCI_MANIFEST, {
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config),
        "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **layer)]}


def push_images(registry, count, layer_bytes):
    """Pushes and signs `count` images; returns their "repository:tag" names."""
    base = bytearray(os.urandom(layer_bytes))  # one random buffer; 8 bytes differ per image
    names = []
    for index in range(count):
        base[:8] = index.to_bytes(8, "big")
        repository, tag = "bench/app%02d" % (index % REPOSITORIES), "v%d" % index
        target = publish.sigstore_push.RegistryTarget(registry.url, repository)
        layer = target.upload_blob(bytes(base))
        config_bytes = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"bench": str(index)}},
                                   "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}).encode()
        config = target.upload_blob(config_bytes)
        media_type, manifest = image_manifest(index, layer, config)
        digest = target.put_manifest(tag, json.dumps(manifest).encode(), media_type)
        signature = publish.sigstore_push.make_signature("%s/%s:%s" % (registry.host, repository, tag), digest, KEY, PUB)
        publish.sigstore_push.push_attachment(target, digest, [signature])
        names.append("%s:%s" % (repository, tag))
        if (index + 1) % 50 == 0:
            print("  pushed %d/%d" % (index + 1, count), flush=True)
    return names


def timed(command, registry, cwd=None):
    """(seconds, peak RSS in KiB, registry requests, completed) of one command under /usr/bin/time -v."""
    before = registry.request_count() if registry else 0
    started = time.monotonic()
    completed = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True, cwd=cwd, timeout=3600)
    seconds = time.monotonic() - started
    time.sleep(0.5)  # let the access log catch up
    requests = (registry.request_count() - before) if registry else 0
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", completed.stderr)
    return seconds, int(found.group(1)) if found else 0, requests, completed


def run_imgtrust(arguments, registry, workdir, names, label):
    list_path = bench_common.write_list(os.path.join(workdir, label + ".txt"), names, registry.host)
    command = [arguments.imgtrust, "validate", "-f", list_path, "-p", PUB, "--tls-verify=false", "-j", str(arguments.jobs),
               "-o", os.path.join(workdir, label + "-failed.txt"), "-r", os.path.join(workdir, label + "-report.json"), "-y"]
    seconds, rss, requests, completed = timed(command, registry)
    if completed.returncode != 0:
        raise RuntimeError("imgtrust validate failed (%d): %s" % (completed.returncode, completed.stderr[-2000:]))
    return seconds, rss, requests


def run_raw(arguments, registry, workdir, names):
    list_path = bench_common.write_list(os.path.join(workdir, "raw.txt"), names)
    seconds, rss, requests, completed = timed([arguments.raw_client, registry.url, list_path, str(arguments.jobs)], registry)
    if completed.returncode != 0:
        raise RuntimeError("raw client failed: " + completed.stdout + completed.stderr[-1000:])
    return seconds, rss, requests


def run_skopeo(arguments, registry, workdir, names):
    policy = os.path.join(workdir, "insecure-policy.json")
    with open(policy, "w") as out:
        json.dump({"default": [{"type": "insecureAcceptAnything"}]}, out)

    def copy(index_name):
        index, name = index_name
        destination = os.path.join(workdir, "skopeo-%d" % index)
        subprocess.run([arguments.skopeo, "--policy", policy, "copy", "-q", "--src-tls-verify=false",
                        "docker://%s/%s" % (registry.host, name), "dir:" + destination], check=True,
                       capture_output=True, timeout=600)
        shutil.rmtree(destination, ignore_errors=True)

    subset = names[:arguments.skopeo_images]
    before = registry.request_count()
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(copy, enumerate(subset)))
    seconds = time.monotonic() - started
    time.sleep(0.5)
    return seconds, len(subset), registry.request_count() - before


def main():
    parser = argparse.ArgumentParser(description="imgtrust validate benchmark")
    parser.add_argument("--imgtrust", required=True)
    parser.add_argument("--raw-client", required=True)
    parser.add_argument("--skopeo", default="skopeo")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--layer-mib", type=int, default=32)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--skopeo-images", type=int, default=40)
    parser.add_argument("--rss-images", type=int, default=10000)
    arguments = parser.parse_args()
    bench_common.print_machine_and_build(arguments.imgtrust, " Use a build directory set up with\n"
                                         "         meson setup build-release --buildtype=release")
    with bench_common.registry_workdir("imgtrust-bench-") as (workdir, registry):
        started = time.monotonic()
        names = push_images(registry, arguments.n, arguments.layer_mib * 2**20)
        print("pushed and signed %d images (%d MiB layers) in %.0f s" % (arguments.n, arguments.layer_mib,
                                                                          time.monotonic() - started))
        v_seconds, v_rss, v_requests = run_imgtrust(arguments, registry, workdir, names, "validate")
        r_seconds, r_rss, r_requests = run_raw(arguments, registry, workdir, names)
        s_seconds, s_count, s_requests = run_skopeo(arguments, registry, workdir, names)
        big = [names[i % len(names)] for i in range(arguments.rss_images)]
        b_seconds, b_rss, b_requests = run_imgtrust(arguments, registry, workdir, big, "validate-10k")
        n = arguments.n
        rates = {"imgtrust": n / v_seconds, "raw": n / r_seconds, "skopeo": s_count / s_seconds}
        print("\n%-34s %10s %12s %12s" % ("", "images/s", "requests/img", "peak RSS"))
        print("%-34s %10.1f %12.2f %9.1f MiB" % ("imgtrust validate -j %d" % arguments.jobs, rates["imgtrust"],
                                                v_requests / n, v_rss / 1024))
        print("%-34s %10.1f %12.2f %9.1f MiB" % ("raw floor client, %d threads" % arguments.jobs, rates["raw"],
                                                r_requests / n, r_rss / 1024))
        print("%-34s %10.2f %12.2f %12s" % ("skopeo copy to dir:, 4 at a time (%d)" % s_count, rates["skopeo"],
                                           s_requests / s_count, "-"))
        print("%-34s %10.1f %12.2f %9.1f MiB" % ("imgtrust validate, %d-line list" % arguments.rss_images,
                                                arguments.rss_images / b_seconds, b_requests / arguments.rss_images,
                                                b_rss / 1024))
        print("\nratios (target):")
        print("  imgtrust / skopeo images/s   %8.1fx   (>= 30x)" % (rates["imgtrust"] / rates["skopeo"]))
        print("  imgtrust / raw floor         %8.2f    (>= 0.9)" % (rates["imgtrust"] / rates["raw"]))
        print("  requests per tag image       %8.2f    (<= 3.0)" % (v_requests / n))
        print("  peak RSS, %d images      %8.1f MiB (< 64)" % (arguments.rss_images, b_rss / 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main())
