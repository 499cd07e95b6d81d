#!/usr/bin/python3
"""Benchmark for `imgtrust sign` (issue 19): signing throughput of a hangar-style
list and the registry requests per image. Not a test: it prints figures and
never fails on timing.

One run:
  1. starts Debian's docker-registry on 127.0.0.1 (plain HTTP, free port, stopped by PID);
  2. pushes the fixture image (tests/fixtures/images/unsigned) into N repositories
     (default 200; each image is its own repository, so no .sig is shared);
  3. imgtrust sign -f LIST --sigstore-key ecdsa-p256.key -j 16 (first round: no
     signature exists yet), then with ed25519.key (second round: each .sig is read
     and a second signature appended), then ecdsa-p256.key again (third round: the
     same key over the same payload is a duplicate, as cosign's dupe detector
     decides: nothing is written), timing each;
  4. counts the requests each round sent, by kind, from the registry's access log,
     and checks that every image carries the expected number of signatures.
Prints images/s per round and requests per image by kind.

Usage: sign_bench.py --imgtrust BIN [-n 200] [--jobs 16]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration", "registry"))
import bench_common  # noqa: E402
import publish  # noqa: E402

KEY = publish.fixture_key("ecdsa-p256.key")
IMAGE = publish.fixture_image("unsigned")

REQUEST_KINDS = ((".sig manifest read", re.compile(r"^(GET|HEAD) \S+/manifests/sha256-[0-9a-f]{64}\.sig ")),
                 ("image manifest read", re.compile(r"^(GET|HEAD) \S+/manifests/")),
                 ("blob HEAD", re.compile(r"^HEAD \S+/blobs/")),
                 ("upload POST", re.compile(r"^POST \S+/blobs/uploads/")),
                 ("upload PUT", re.compile(r"^PUT \S+/blobs/uploads/")),
                 ("manifest PUT", re.compile(r"^PUT \S+/manifests/")))


def request_kinds(lines):
    return bench_common.request_kinds(lines, REQUEST_KINDS)


def push_images(registry, count):
    """The fixture image into `count` repositories, through the registry API."""
    with open(os.path.join(IMAGE, "manifest.json"), "rb") as source:
        manifest = source.read()
    media_type = json.loads(manifest).get("mediaType", "application/vnd.docker.distribution.manifest.v2+json")
    blobs = []
    for name in os.listdir(IMAGE):
        if len(name) == 64:
            with open(os.path.join(IMAGE, name), "rb") as source:
                blobs.append(source.read())
    names = []
    for index in range(count):
        repository = "bench/sign%03d" % index
        target = publish.sigstore_push.RegistryTarget(registry.url, repository)
        for blob in blobs:
            target.upload_blob(blob)
        target.put_manifest("v1", manifest, media_type)
        names.append("%s/%s:v1" % (registry.host, repository))
    return names, "sha256:" + __import__("hashlib").sha256(manifest).hexdigest()


def sign_round(arguments, registry, workdir, list_path, key):
    before = registry.request_count()
    command = [arguments.imgtrust, "sign", "-f", list_path, "--sigstore-key", key, "--tls-verify=false",
               "-j", str(arguments.jobs), "-o", os.path.join(workdir, "failed.txt")]
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, timeout=1800, env=dict(os.environ, COSIGN_PASSWORD=""))
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        raise RuntimeError("imgtrust sign failed (%d): %s" % (completed.returncode, completed.stderr[-2000:]))
    time.sleep(0.5)  # the access log is written after each response
    return seconds, request_kinds(registry.request_lines()[before:])


def signature_count(registry, name, digest):
    repository = name.split("/", 1)[1].rsplit(":", 1)[0]
    request = urllib.request.Request("%s/v2/%s/manifests/%s" % (registry.url, repository, digest.replace(":", "-") + ".sig"),
                                     headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(json.loads(response.read())["layers"])


def main():
    parser = argparse.ArgumentParser(description="imgtrust sign benchmark")
    parser.add_argument("--imgtrust", required=True)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=16)
    arguments = parser.parse_args()
    with bench_common.registry_workdir("imgtrust-sign-bench-") as (workdir, registry):
        names, digest = push_images(registry, arguments.n)
        list_path = bench_common.write_list(os.path.join(workdir, "images.txt"), names)
        print("imgtrust sign, N=%d, -j %d, loopback docker-registry 2.8, ECDSA P-256" % (arguments.n, arguments.jobs))
        rounds = ((1, "first signature", KEY, 1), (2, "second key appended", publish.fixture_key("ed25519.key"), 2),
                  (3, "first key again: duplicate, nothing written", KEY, 2))
        for round_number, label, key, expected in rounds:
            seconds, kinds = sign_round(arguments, registry, workdir, list_path, key)
            total = sum(kinds.values())
            print("round %d (%s): %.2f s, %.1f images/s, %.2f requests per image (%s)" % (
                round_number, label, seconds, arguments.n / seconds, total / arguments.n,
                ", ".join("%s %.2f" % (kind, count / arguments.n) for kind, count in sorted(kinds.items()))))
            wrong = [name for name in names[:20] if signature_count(registry, name, digest) != expected]
            if wrong:
                print("!! %d of the first 20 images do not carry %d signatures: %s" % (len(wrong), expected, wrong[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
