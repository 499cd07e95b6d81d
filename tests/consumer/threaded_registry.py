#!/usr/bin/python3
"""The threaded consumer against a loopback docker-registry with token auth.

Starts docker-registry (token mode) and token_server.py on 127.0.0.1 through
tests/integration/registry/harness.py, pushes three sigstore-signed images and
one unsigned image (skopeo, and a sigstore attachment), then runs
threaded-consumer: ONE PolicyContext and ONE Client, THREADS threads, TOTAL
verifications, every verdict checked (signed: allowed, unsigned: rejected).
Afterwards the token server's log must show exactly one token request per
repository for the consumer's whole run: the Client's token cache is shared
by every thread, and concurrent first requests to a repository wait for one
fetch. Servers are stopped by their PIDs. Prints "N/M pass".

Usage: threaded_registry.py --consumer BIN [--threads N] [--total N] [--verbose]
"""
import argparse
import base64
import collections
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "registry"))
import harness  # noqa: E402
import publish  # noqa: E402

SIGNED = ["consumer/app0", "consumer/app1", "consumer/app2"]
UNSIGNED = "consumer/unsigned"
CONSUMER_TIMEOUT = 600


def publish_images(registry):
    """Pushes the fixture image to every repository; signs the SIGNED ones."""
    unsigned = "dir:" + publish.fixture_image("unsigned")
    for repository in SIGNED + [UNSIGNED]:
        publish.skopeo_copy(unsigned, "docker://%s/%s:v1" % (registry.host, repository), registry=registry)
    for repository in SIGNED:
        digest, _ = publish.manifest_digest(registry, repository, "v1")
        signature = publish.sigstore_push.make_signature("%s/%s:v1" % (registry.host, repository), digest,
                                                         publish.fixture_key("ecdsa-p256.key"),
                                                         publish.fixture_key("ecdsa-p256.pub"))
        publish.push_sigstore(registry, repository, digest, [signature])


def write_configuration(workdir, registry):
    """(policy, authfile, registries.d) for the consumer."""
    requirement = {"type": "sigstoreSigned", "keyPath": publish.fixture_key("ecdsa-p256.pub"),
                   "signedIdentity": {"type": "matchRepoDigestOrExact"}}
    policy = os.path.join(workdir, "policy.json")
    with open(policy, "w") as out:
        json.dump({"default": [{"type": "reject"}], "transports": {"docker": {registry.host: [requirement]}}}, out)
    authfile = os.path.join(workdir, "auth.json")
    with open(authfile, "w") as out:
        json.dump({"auths": {registry.host: {"auth": base64.b64encode(registry.creds.encode()).decode()}}}, out)
    registries_d = publish.write_registries_d(os.path.join(workdir, "registries.d"),
                                              {registry.host: {"use-sigstore-attachments": True}})
    return policy, authfile, registries_d


def token_requests_by_repository(lines):
    """{repository: number of token requests} from token_server.py's log lines."""
    counts = collections.Counter()
    for line in lines:
        path = line.split('"GET ', 1)[1].split(" ", 1)[0]
        for scope in urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("scope", []):
            parts = scope.split(":")
            if len(parts) >= 3 and parts[0] == "repository":
                counts[":".join(parts[1:-1])] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consumer", required=True, help="the threaded-consumer binary")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--total", type=int, default=1000)
    parser.add_argument("--verbose", action="store_true")
    arguments = parser.parse_args()
    workdir = harness.make_workdir("imgtrust-consumer-")
    try:
        results = run(arguments, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name, ok, detail in results:
        print("%s: %s -- %s" % ("pass" if ok else "FAIL", name, detail))
    passed = sum(1 for _, ok, _ in results if ok)
    print("%d/%d pass" % (passed, len(results)))
    return 0 if passed == len(results) else 1


def run(arguments, workdir):
    """[(check, ok, detail)] of one consumer run against a fresh token-auth registry."""
    results = []
    with harness.Registry(workdir, "token") as registry:
        harness.wait_registry_ready(registry)
        publish_images(registry)
        policy, authfile, registries_d = write_configuration(workdir, registry)
        tokens_before = len(registry.token_server.token_requests())
        images = ["docker://%s/%s:v1=allowed" % (registry.host, repository) for repository in SIGNED]
        images.append("docker://%s/%s:v1=rejected" % (registry.host, UNSIGNED))
        command = [arguments.consumer, "--policy", policy, "--authfile", authfile, "--registries-d", registries_d,
                   "--threads", str(arguments.threads), "--total", str(arguments.total)] + images
        completed = subprocess.run(command, capture_output=True, text=True, timeout=CONSUMER_TIMEOUT)
        output = (completed.stdout + completed.stderr).strip()
        print(output)
        results.append(("every verdict as expected", completed.returncode == 0, "exit %d" % completed.returncode))
        time.sleep(0.3)  # the token server logs after answering
        counts = token_requests_by_repository(registry.token_server.token_requests()[tokens_before:])
        expected = {repository: 1 for repository in SIGNED + [UNSIGNED]}
        results.append(("one token request per repository", dict(counts) == expected,
                        "token requests by repository: %s" % dict(sorted(counts.items()))))
        if arguments.verbose:
            print("registry requests: %d" % registry.request_count())
    return results


if __name__ == "__main__":
    sys.exit(main())
