#!/usr/bin/python3
"""`imgtrust validate` under faults (issue 20), against real docker-registry
processes on 127.0.0.1 (plain HTTP, free ports, stopped by their PIDs).

Cases:
- SIGINT (exit 130) and SIGTERM (exit 143) after the first results, on a list
  of 2,400 lines: the report holds every line, each checked or `not-checked`;
  checked results equal those of an uninterrupted run; the failed list holds
  exactly the failed and not-checked lines, and feeding it back completes the run;
- the registry killed mid-run: the run ends well within 60 s (a bound far above
  normal, not a timing assertion), every line has a status, and the reasons say
  the registry is unreachable;
- the registry restarted during the run: images flow again;
- two registries, one dead: every image of the live one verifies.

Usage: interrupt_suite.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "registry"))
import harness  # noqa: E402
import publish  # noqa: E402
from validate_suite import Checks  # noqa: E402  (one mismatch collector for the validate suites)

KEY, PUB = publish.fixture_key("ecdsa-p256.key"), publish.fixture_key("ecdsa-p256.pub")
STATUS_BY_NAME = {"good": "verified", "second": "verified", "unsigned": "unsigned"}
LIST_LINES = 2400


class Registry:
    """One registry with team/good (signed), team/second (signed) and team/unsigned."""

    def __init__(self, workdir):
        self.registry = harness.Registry(workdir, "plain")
        harness.wait_registry_ready(self.registry)
        self.host = self.registry.host
        unsigned = "dir:" + publish.fixture_image("unsigned")
        for name in STATUS_BY_NAME:
            reference = "%s/team/%s:v1" % (self.host, name)
            publish.skopeo_copy(unsigned, "docker://" + reference, registry=self.registry)
            digest, _ = publish.manifest_digest(self.registry, "team/" + name, "v1")
            if STATUS_BY_NAME[name] == "verified":
                signature = publish.sigstore_push.make_signature(reference, digest, KEY, PUB)
                publish.push_sigstore(self.registry, "team/" + name, digest, [signature])

    def lines(self, count, names=("good", "unsigned", "second")):
        return ["%s/team/%s:v1" % (self.host, names[i % len(names)]) for i in range(count)]


def expected_status(reference):
    """The status an uninterrupted run gives: by the image name in ".../team/<name>:v1"."""
    return STATUS_BY_NAME[reference.rsplit("/", 1)[1].split(":")[0]]


def write_list(directory, lines, name="list.txt"):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "w") as out:
        out.write("".join(line + "\n" for line in lines))


def command(imgtrust, list_name="list.txt", extra=()):
    return [imgtrust, "validate", "-f", list_name, "-o", "failed.txt", "-r", "report.json", "-y",
            "--tls-verify=false", "-p", PUB, "--arch", "amd64"] + list(extra)


def run(imgtrust, directory, list_name="list.txt", extra=()):
    started = time.monotonic()
    completed = subprocess.run(command(imgtrust, list_name, extra), cwd=directory, capture_output=True, text=True,
                               timeout=300)
    return completed.returncode, completed.stderr, time.monotonic() - started


def run_interrupted(imgtrust, directory, signal_number, extra=()):
    """Starts a run, waits for its first results (the staged report grows), then signals it."""
    process = subprocess.Popen(command(imgtrust, extra=extra), cwd=directory, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        staged = [n for n in os.listdir(directory) if n.startswith("report.json.tmp-")]
        if staged and os.path.getsize(os.path.join(directory, staged[0])) > 4096:
            break
        time.sleep(0.02)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


def report(directory):
    with open(os.path.join(directory, "report.json")) as handle:
        return json.load(handle)


def failed_lines(directory):
    with open(os.path.join(directory, "failed.txt")) as handle:
        return handle.read().splitlines()


def check_interrupt(world, imgtrust, scratch, signal_number, name):
    directory = os.path.join(scratch, name)
    lines = world.lines(LIST_LINES)
    write_list(directory, lines)
    code, stderr = run_interrupted(imgtrust, directory, signal_number, ["-j", "2"])
    checks = Checks()
    checks.equal("exit code", code, 128 + signal_number)
    checks.true("stderr names the signal: %r" % stderr[-300:], signal.Signals(signal_number).name in stderr)
    document = report(directory)
    results = document["results"]
    checks.equal("complete", document.get("complete"), False)
    checks.equal("interruptedBy", document.get("interruptedBy"), signal.Signals(signal_number).name)
    checks.equal("report lines", [r["line"] for r in results], list(range(1, LIST_LINES + 1)))
    statuses = [r["status"] for r in results]
    not_checked = statuses.count("not-checked")
    checks.true("some lines checked and some not (%d not checked)" % not_checked, 0 < not_checked < LIST_LINES)
    for line, status in zip(lines, statuses):
        if status != "not-checked":
            checks.equal("status of " + line, status, expected_status(line))
    expected_failed = [line for line, status in zip(lines, statuses) if status != "verified"]
    checks.equal("failed list", failed_lines(directory), expected_failed)
    # Resume: the failed list fed back completes the run.
    shutil.copy(os.path.join(directory, "failed.txt"), os.path.join(directory, "resume.txt"))
    code, stderr, _ = run(imgtrust, directory, "resume.txt")
    resumed = report(directory)
    checks.equal("resumed run exit", code, 1)
    checks.equal("resumed run complete", resumed.get("complete"), True)
    checks.true("resumed run checked everything",
                all(r["status"] == expected_status(r["reference"]) for r in resumed["results"]))
    return checks.problems


def check_second_signal(world, imgtrust, scratch, _unused):
    """A second SIGINT exits at once: the previous report stays, no staged file is left."""
    directory = os.path.join(scratch, "second-signal")
    write_list(directory, world.lines(3))
    run(imgtrust, directory)
    with open(os.path.join(directory, "report.json")) as handle:
        previous = handle.read()
    write_list(directory, world.lines(200000))  # long enough that the first signal's wind-down is still running
    process = subprocess.Popen(command(imgtrust, extra=["-j", "2"]), cwd=directory, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    checks = Checks()
    checks.equal("exit code", process.returncode, 130)
    with open(os.path.join(directory, "report.json")) as handle:
        checks.true("the previous report is kept", handle.read() == previous)
    leftovers = [n for n in os.listdir(directory) if ".tmp-" in n]
    checks.equal("staged files left", leftovers, [])
    return checks.problems


def check_verify_interrupted(world, imgtrust, scratch, _unused):
    """verify with many images: SIGINT keeps the JSON document whole, exit 130."""
    directory = os.path.join(scratch, "verify")
    os.makedirs(directory, exist_ok=True)
    policy = os.path.join(directory, "policy.json")
    with open(policy, "w") as out:
        json.dump({"default": [{"type": "sigstoreSigned", "keyPath": PUB}]}, out)
    registries_d = os.path.join(directory, "registries.d")
    publish.write_registries_d(registries_d, {world.host: {"use-sigstore-attachments": True}})
    images = ["docker://" + line for line in world.lines(3000)]
    process = subprocess.Popen([imgtrust, "verify", "--output", "json", "--policy", policy, "--registries.d", registries_d,
                                "--tls-verify=false"] + images, cwd=directory, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    checks = Checks()
    checks.equal("exit code", process.returncode, 130)
    document = json.loads(stdout)
    checks.equal("complete", document.get("complete"), False)
    checks.equal("interruptedBy", document.get("interruptedBy"), "SIGINT")
    entries = document["images"]
    checks.equal("one entry per image", [e["image"] for e in entries], images)
    kinds = [e.get("error", {}).get("kind") for e in entries]
    checks.true("some images checked and some not", 0 < kinds.count("not-checked") < len(images))
    for entry, kind in zip(entries, kinds):
        if kind is None:
            checks.equal("verdict of " + entry["image"], entry["allowed"], expected_status(entry["image"]) == "verified")
    checks.true("stderr says it was interrupted: %r" % stderr[-200:], "Interrupted by SIGINT" in stderr)
    return checks.problems


def check_registry_killed(world, imgtrust, scratch, _unused):
    directory = os.path.join(scratch, "killed")
    lines = world.lines(LIST_LINES)
    write_list(directory, lines)
    process = subprocess.Popen(command(imgtrust, extra=["-j", "16", "--retry-times", "1", "--timeout", "20s"]),
                               cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    world.registry.kill()
    killed_at = time.monotonic()
    _, stderr = process.communicate(timeout=300)
    elapsed = time.monotonic() - killed_at
    checks = Checks()
    checks.true("run ended %.1f s after the kill (bound: 60 s)" % elapsed, elapsed < 60)
    results = report(directory)["results"]
    checks.equal("every line has a status", len(results), LIST_LINES)
    unreachable = sum(1 for r in results if "unreachable" in json.dumps(r))
    checks.true("most later lines say the registry is unreachable (%d)" % unreachable, unreachable > LIST_LINES // 2)
    # The registry restarted: images flow again.
    world.registry.start()
    harness.wait_registry_ready(world.registry)
    directory = os.path.join(scratch, "restarted")
    write_list(directory, lines[:30])
    code, stderr, _ = run(imgtrust, directory)
    statuses = {r["status"] for r in report(directory)["results"]}
    checks.equal("after the restart", statuses, {"verified", "unsigned"})
    return checks.problems


def check_restart_during_run(world, imgtrust, scratch, _unused):
    """The registry dies and comes back while one run goes on: later images verify again."""
    directory = os.path.join(scratch, "restart-during")
    write_list(directory, world.lines(6000))
    process = subprocess.Popen(command(imgtrust, extra=["-j", "4", "--retry-times", "0"]), cwd=directory,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    world.registry.kill()
    time.sleep(2.0)
    world.registry.start()
    _, stderr = process.communicate(timeout=300)
    results = report(directory)["results"]
    checks = Checks()
    checks.equal("every line has a status", len(results), 6000)
    tail = [r["status"] for r in results[-300:]]
    checks.true("the last 300 lines were checked again after the restart: %r" % sorted(set(tail)),
                set(tail) == {"verified", "unsigned"})
    return checks.problems


def check_one_of_two_dead(world, imgtrust, scratch, workdir):
    dead = Registry(workdir)
    lines = []
    for live_line, dead_line in zip(world.lines(200), dead.lines(200)):
        lines += [live_line, dead_line]
    dead.registry.kill()
    directory = os.path.join(scratch, "one-dead")
    write_list(directory, lines)
    run(imgtrust, directory, extra=["-j", "8", "--retry-times", "1"])
    checks = Checks()
    for result, line in zip(report(directory)["results"], lines):
        expected = expected_status(line) if line.startswith(world.host) else "fetch-error"
        checks.equal("status of " + line, result["status"], expected)
    dead.registry.stop()
    return checks.problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--imgtrust", required=True)
    parser.add_argument("--filter", default="")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    imgtrust = os.path.realpath(args.imgtrust)
    workdir = harness.make_workdir("imgtrust-interrupt-")
    world = Registry(workdir)
    scratch = os.path.join(workdir, "runs")
    cases = [
        ("sigint-keeps-results", check_interrupt, signal.SIGINT),
        ("sigterm-keeps-results", check_interrupt, signal.SIGTERM),
        ("verify-sigint-keeps-json", check_verify_interrupted, None),
        ("second-signal-exits-at-once", check_second_signal, None),
        ("two-registries-one-dead", check_one_of_two_dead, workdir),
        ("registry-restarted-during-run", check_restart_during_run, None),
        ("registry-killed-fails-fast", check_registry_killed, None),
    ]
    failures, total = [], 0
    try:
        for name, check, argument in cases:
            if args.filter not in name:
                continue
            total += 1
            problems = check(world, imgtrust, scratch, argument) if check is not check_interrupt else \
                check(world, imgtrust, scratch, argument, name)
            if problems or args.verbose:
                print("%-40s %s" % (name, "ok" if not problems else "FAILED"))
            failures += ["%s: %s" % (name, p) for p in problems]
    finally:
        world.registry.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    for line in failures:
        print("FAIL " + line[:2000])
    failed_cases = len({line.split(": ", 1)[0] for line in failures})
    print("validate-interrupts: %d/%d pass" % (total - failed_cases, total))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
