#!/usr/bin/python3
"""Fault tests: imgtrust against a misbehaving registry (fault_server.py) on loopback.

Each fault must end in a clear error on stderr and a non-zero exit below 128 (no
crash), within a subprocess deadline (no hang); a 429 followed by a good answer
must succeed after the retry. Prints "N/M pass".

Usage: fault_tests.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import collections
import os
import shutil
import subprocess
import time

import harness
import publish
import registry_common as rc
from fault_server import MANIFEST_DIGEST

common = rc.common
DEADLINE = 45  # seconds: a generous bound for "does not hang"
Fault = collections.namedtuple("Fault", "name path policy exits words options")

ACCEPT_ALL = common.policy(common.ACCEPT)
# With attachments enabled, a sigstoreSigned requirement makes imgtrust read the
# .sig attachment and its payload blob.
SIGSTORE = common.policy(common.sigstore_signed(common.exact_repository("127.0.0.1/fault/app"),
                                                keyPath=publish.fixture_key("ecdsa-p256.pub")))
FETCH_FAILED = {3}


def faults():
    retry = ["--retry-times", "1"]
    return [
        Fault("healthy/accepted", "ok/app:v1", ACCEPT_ALL, {0}, [], []),
        Fault("truncated-body", "truncated/app:v1", ACCEPT_ALL, FETCH_FAILED, [], retry),
        Fault("oversize-body", "oversize/app:v1", ACCEPT_ALL, FETCH_FAILED, [], retry),
        Fault("oversize-body-chunked", "oversize-chunked/app:v1", ACCEPT_ALL, FETCH_FAILED, [], retry),
        Fault("429-then-success", "429-then-ok/app:v1", ACCEPT_ALL, {0}, [], ["--retry-times", "2"]),
        Fault("500-storm", "500-storm/app:v1", ACCEPT_ALL, FETCH_FAILED, ["500"], retry),
        Fault("500-storm/no-retries", "500-storm/app:v2", ACCEPT_ALL, FETCH_FAILED, ["500"], ["--retry-times", "0"]),
        Fault("redirect-loop/manifest", "redirect-loop/app:v1", ACCEPT_ALL, FETCH_FAILED, [], retry),
        Fault("redirect-loop/signature-blob", "blob-redirect-loop/app:v1", SIGSTORE, FETCH_FAILED, [], retry),
        Fault("digest-mismatch/digest-reference", "digest-mismatch/app@" + MANIFEST_DIGEST, ACCEPT_ALL, FETCH_FAILED,
              ["digest"], retry),
        Fault("digest-mismatch/signature-blob", "blob-digest-mismatch/app:v1", SIGSTORE, {1, 3}, ["digest"], retry),
        Fault("slow-response-past-timeout", "slow/app:v1", ACCEPT_ALL, FETCH_FAILED, [], retry + ["--timeout", "3s"]),
    ]


def check_fault(arguments, workdir, server_port, fault):
    policy_path = common.write_policy(workdir, "fault", fault.policy)
    image = "docker://127.0.0.1:%d/%s" % (server_port, fault.path)
    registries_d = publish.write_registries_d(os.path.join(workdir, "registries.d"),
                                              {"127.0.0.1:%d" % server_port: {"use-sigstore-attachments": True}})
    started = time.monotonic()
    try:
        result = rc.run_imgtrust(arguments.imgtrust, policy_path, image, registries_d, fault.options,
                                 timeout=DEADLINE, env=isolated_environment(workdir))
    except subprocess.TimeoutExpired:
        return ["no answer within %d s (hang)" % DEADLINE], "hang"
    elapsed = time.monotonic() - started
    problems = []
    if result.exit_code < 0 or result.exit_code >= 128:
        problems.append("crashed: exit %d; stderr: %s" % (result.exit_code, result.stderr[-400:]))
    elif result.exit_code not in fault.exits:
        problems.append("exit %d, want one of %s: %s" % (result.exit_code, sorted(fault.exits), result.text()[-400:]))
    if result.exit_code != 0:
        message = (result.stderr + " " + common.rejection_reasons(result)).strip()
        if not message:
            problems.append("a failure with no message on stderr")
        for word in fault.words:
            if word.lower() not in message.lower():
                problems.append("the message does not mention %r: %s" % (word, message[-300:]))
    return problems, "exit %d in %.1f s: %s" % (result.exit_code, elapsed, result.stderr.strip()[-160:])


def isolated_environment(workdir):
    """No credentials or registries.d of the machine's user leak into the tests."""
    environment = dict(os.environ)
    environment["HOME"] = workdir
    environment["XDG_RUNTIME_DIR"] = workdir
    environment.pop("REGISTRY_AUTH_FILE", None)
    return environment


def main():
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    workdir = harness.make_workdir()
    port = harness.free_port()
    server = harness.ChildServer("fault-server", [harness.PYTHON, os.path.join(harness.HERE, "fault_server.py"),
                                                  "--port", str(port)], port, workdir)
    try:
        server.wait_listening()
        failures, cases = [], [f for f in faults() if arguments.filter in f.name]
        for fault in cases:
            problems, note = check_fault(arguments, workdir, port, fault)
            if arguments.verbose or problems:
                print("%-40s %s" % (fault.name, note))
            failures += ["%s: %s" % (fault.name, problem) for problem in problems]
        common.finish("registry fault tests", len(cases), failures, "pass")
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
