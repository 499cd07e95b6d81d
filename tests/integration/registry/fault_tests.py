#!/usr/bin/python3
"""Fault tests: imgtrust against a misbehaving registry (fault_server.py) on loopback.

Each fault must end in a clear error on stderr and a non-zero exit below 128 (no
crash), within a subprocess deadline (no hang); a 429 followed by a good answer
must succeed after the retry. Prints "N/M pass".

Usage: fault_tests.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import collections
import json
import os
import shutil
import subprocess
import time
import urllib.request

import harness
import publish
import registry_common as rc
from fault_server import MANIFEST_DIGEST

common = rc.common
DEADLINE = 45  # seconds: a generous bound for "does not hang"
# within: the run must end within this many seconds (a bound for "no hang past --timeout").
# token_requests: how many token requests the fault's token endpoint may see in all.
Fault = collections.namedtuple("Fault", "name path policy exits words options within token_requests",
                               defaults=(DEADLINE, None))

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
    ] + hostile_faults()


def hostile_faults():
    """Issue 13: hostile registries; each ends in a clear error, no crash, no hang past --timeout."""
    no_retry = ["--retry-times", "0"]
    short = ["--retry-times", "1", "--timeout", "5s"]
    return [
        Fault("deep-manifest/insecure-policy", "deep-manifest/app:v1", ACCEPT_ALL, FETCH_FAILED,
              ["not a JSON object"], no_retry),
        Fault("deep-error-body/404", "deep-error-404/app:v1", ACCEPT_ALL, FETCH_FAILED, ["404"], no_retry),
        Fault("deep-error-body/400", "deep-error-400/app:v1", ACCEPT_ALL, FETCH_FAILED, ["400"], no_retry),
        Fault("deep-token/over-the-1MiB-bound", "deep-token/app:v1", ACCEPT_ALL, FETCH_FAILED,
              ["token", "exceeds 1048576 bytes"], no_retry),
        Fault("deep-token/200k-levels", "deep-token-200k/app:v1", ACCEPT_ALL, FETCH_FAILED,
              ["carries no token"], no_retry),
        # Attachments: the manifest, the .sig manifest and its blob all use the one token.
        Fault("token-expires-in-9300000000", "huge-expires/app:v1", SIGSTORE, {1}, [], no_retry,
              token_requests=1),
        Fault("retry-after-year-3000", "retry-after-3000/app:v1", ACCEPT_ALL, FETCH_FAILED,
              ["429", "--timeout"], short, within=10),
        Fault("www-authenticate/basic-then-bearer", "basic-then-bearer/app:v1", ACCEPT_ALL, {0}, [], no_retry,
              token_requests=1),
        Fault("manifest-list/100k-instances", "list-100k/app:v1", ACCEPT_ALL, FETCH_FAILED,
              ["1000"], no_retry),
        Fault("credential-helper/never-exits", "basic-auth/app:v1", ACCEPT_ALL, FETCH_FAILED,
              ["docker-credential-hang"], ["--authfile", "{workdir}/hang-auth.json", "--timeout", "3s"], within=8),
        Fault("token-server/dead", "dead-auth/app:v1", ACCEPT_ALL, FETCH_FAILED, ["token", "--timeout"],
              short, within=10),
    ]


def check_fault(arguments, workdir, server_port, fault):
    problems, note = run_fault(arguments, workdir, server_port, fault)
    if fault.token_requests is not None:
        seen = token_requests(server_port).get(fault.path.split("/")[0], 0)
        if seen != fault.token_requests:
            problems.append("%d token requests, want %d" % (seen, fault.token_requests))
    return problems, note


def token_requests(server_port):
    with urllib.request.urlopen("http://127.0.0.1:%d/_stats" % server_port, timeout=10) as answer:
        return json.load(answer)["token_requests"]


def run_fault(arguments, workdir, server_port, fault):
    policy_path = common.write_policy(workdir, "fault", fault.policy)
    options = [option.replace("{workdir}", workdir) for option in fault.options]
    image = "docker://127.0.0.1:%d/%s" % (server_port, fault.path)
    registries_d = publish.write_registries_d(os.path.join(workdir, "registries.d"),
                                              {"127.0.0.1:%d" % server_port: {"use-sigstore-attachments": True}})
    started = time.monotonic()
    try:
        result = rc.run_imgtrust(arguments.imgtrust, policy_path, image, registries_d, options,
                                 timeout=DEADLINE, env=isolated_environment(workdir))
    except subprocess.TimeoutExpired:
        return ["no answer within %d s (hang)" % DEADLINE], "hang"
    elapsed = time.monotonic() - started
    problems = []
    if elapsed > fault.within:
        problems.append("took %.1f s, more than %d s" % (elapsed, fault.within))
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
    """No credentials or registries.d of the machine's user leak into the tests;
    workdir/bin (the fake credential helpers) comes first on PATH."""
    environment = dict(os.environ)
    environment["HOME"] = workdir
    environment["XDG_RUNTIME_DIR"] = workdir
    environment["PATH"] = os.path.join(workdir, "bin") + os.pathsep + environment.get("PATH", "/usr/bin:/bin")
    environment.pop("REGISTRY_AUTH_FILE", None)
    return environment


def write_hanging_credential_helper(workdir, server_port):
    """docker-credential-hang never exits; hang-auth.json names it for the fault server."""
    os.makedirs(os.path.join(workdir, "bin"), exist_ok=True)
    helper = os.path.join(workdir, "bin", "docker-credential-hang")
    with open(helper, "w") as script:
        script.write("#!/bin/sh\nexec sleep 1000\n")
    os.chmod(helper, 0o755)
    with open(os.path.join(workdir, "hang-auth.json"), "w") as auth:
        json.dump({"credHelpers": {"127.0.0.1:%d" % server_port: "hang"}}, auth)


def check_dead_token_server_batch(arguments, workdir, server_port):
    """validate, 16 jobs, 16 tags of one repository behind a token server that fails after 1 s:
    one token request in all (the waiters get the remembered failure), every image a fetch error."""
    list_path = os.path.join(workdir, "dead-auth-503.list")
    with open(list_path, "w") as images:
        images.writelines("127.0.0.1:%d/dead-auth-503/app:t%d\n" % (server_port, i) for i in range(16))
    report = os.path.join(workdir, "dead-auth-503-report.json")
    command = [arguments.imgtrust, "validate", "--insecure-policy", "--jobs", "16", "--retry-times", "0",
               "--tls-verify=false", "--timeout", "30s", "--report", report, "--auto-yes", "--file", list_path]
    started = time.monotonic()
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=DEADLINE,
                                   env=isolated_environment(workdir), cwd=workdir)
    except subprocess.TimeoutExpired:
        return ["dead-token-server/validate-16-jobs: no answer within %d s (hang)" % DEADLINE]
    elapsed = time.monotonic() - started
    problems = []
    if completed.returncode not in (1, 3) or not completed.stderr.strip():
        problems.append("exit %d, stderr %r" % (completed.returncode, completed.stderr[-300:]))
    seen = token_requests(server_port).get("dead-auth-503", 0)
    if seen != 1:
        problems.append("%d token requests, want 1" % seen)
    if arguments.verbose or problems:
        print("%-40s exit %d in %.1f s, %d token request(s)" % ("dead-token-server/validate-16-jobs",
                                                                completed.returncode, elapsed, seen))
    return ["dead-token-server/validate-16-jobs: " + problem for problem in problems]


def main():
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    workdir = harness.make_workdir()
    port = harness.free_port()
    server = harness.ChildServer("fault-server", [harness.PYTHON, os.path.join(harness.HERE, "fault_server.py"),
                                                  "--port", str(port)], port, workdir)
    try:
        server.wait_listening()
        write_hanging_credential_helper(workdir, port)
        failures, cases = [], [f for f in faults() if arguments.filter in f.name]
        for fault in cases:
            problems, note = check_fault(arguments, workdir, port, fault)
            if arguments.verbose or problems:
                print("%-40s %s" % (fault.name, note))
            failures += ["%s: %s" % (fault.name, problem) for problem in problems]
        batch_count = 0
        if arguments.filter in "dead-token-server/validate-16-jobs":
            failures += check_dead_token_server_batch(arguments, workdir, port)
            batch_count = 1
        common.finish("registry fault tests", len(cases) + batch_count, failures, "pass")
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
