#!/usr/bin/python3
"""`imgtrust validate --shard K/N` and `imgtrust report merge` (issue 18, item 5)
against a real docker-registry on 127.0.0.1 (plain HTTP, free port, stopped by
its PID), with the images and signatures validate_suite.py pushes (its Sigstore
bundle images are left out: this suite checks the split, not the trust).

Cases:
- 4 shards run as 4 parallel processes over one 12-entry list (comments and
  blank lines included), 2 writing json and 2 yaml, merged into json, yaml and
  csv: each equals the unsharded report of that format byte for byte (reports
  have no run-dependent fields, docs/validate-report.md), the merged failed
  list equals the unsharded one, and merge exits as validate did (1);
- a missing shard, a duplicated shard, a shard of another list, a shard checked
  with another key, and a plain report among shards: exit 2, the reason on stderr;
- --shard usage errors (1-based 4/4, 0 shards, not a number, a list on stdin): exit 2.

Usage: shard_suite.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "registry"))
sys.path.insert(0, HERE)
import harness  # noqa: E402
import validate_suite  # noqa: E402
from validate_suite import Checks, PUB, OTHER_PUB  # noqa: E402

SHARDS = 4
FORMATS = ("json", "yaml", "csv")


class World(validate_suite.World):
    """validate_suite's registry and images, without the Sigstore bundle images."""

    def _push_bundle_images(self):
        pass


def twelve_entry_list(world):
    """validate_suite's mixed list (10 entries on 13 lines) and two more entries."""
    text, _, _ = validate_suite.mixed_list(world)
    return text + "\n# added for sharding\n" + world.ref("team/good:v1") + "\n" + world.ref("team/wrongid:v1") + "\n"


def read(directory, name):
    with open(os.path.join(directory, name), "rb") as handle:
        return handle.read()


def validate_command(imgtrust, report, failed, report_format, extra=()):
    return [imgtrust, "validate", "-f", "list.txt", "-p", PUB, "-r", report, "-o", failed, "--format", report_format,
            "--tls-verify=false", "-j", "2", "-y"] + list(extra)


def run(command, directory):
    return subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=240)


def run_shards_in_parallel(imgtrust, directory, extra=()):
    """validate --shard K/4 for K = 0..3 at once; shard K writes s<K>.json (K even) or s<K>.yaml (K odd)."""
    processes = []
    for k in range(SHARDS):
        name = "s%d.%s" % (k, "json" if k % 2 == 0 else "yaml")
        command = validate_command(imgtrust, name, "f%d.txt" % k, name.rsplit(".", 1)[1],
                                   ["--shard", "%d/%d" % (k, SHARDS)] + list(extra))
        processes.append((name, subprocess.Popen(command, cwd=directory, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.PIPE, text=True)))
    outcomes = []
    for name, process in processes:
        _, stderr = process.communicate(timeout=240)
        outcomes.append((name, process.returncode, stderr))
    return outcomes


def merge(imgtrust, directory, reports, output, report_format, extra=()):
    return run([imgtrust, "report", "merge"] + list(reports) + ["-o", output, "--format", report_format, "-y"]
               + list(extra), directory)


class Setup:
    """The list, the unsharded reports and the 4 shard reports, made once for every case."""

    def __init__(self, world, imgtrust, scratch):
        self.directory = os.path.join(scratch, "shards")
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, "list.txt"), "w") as out:
            out.write(twelve_entry_list(world))
        self.whole = {}
        for report_format in FORMATS:
            completed = run(validate_command(imgtrust, "whole." + report_format, "whole-failed.txt", report_format),
                            self.directory)
            self.whole[report_format] = completed
        self.shards = run_shards_in_parallel(imgtrust, self.directory)
        self.shard_reports = [name for name, _, _ in self.shards]


def case_merged_equals_unsharded(setup, imgtrust, _scratch):
    checks = Checks()
    directory = setup.directory
    for report_format, completed in setup.whole.items():
        checks.equal("unsharded %s exit" % report_format, completed.returncode, 1)
        checks.true("unsharded %s report has every entry" % report_format,
                    read(directory, "whole." + report_format).count(b"wrongid") >= 2)
    for name, code, stderr in setup.shards:
        checks.equal("exit of %s (%s)" % (name, stderr[-300:]), code, 1)
    for report_format in FORMATS:
        merged = "merged." + report_format
        completed = merge(imgtrust, directory, reversed(setup.shard_reports), merged, report_format,
                          ["--failed-list", "merged-failed.txt"])
        checks.equal("merge to %s exit (%s)" % (report_format, completed.stderr[-500:]), completed.returncode, 1)
        checks.true("merge says how many failed: %r" % completed.stderr[-300:], "Failed: 8 of 12 images" in completed.stderr)
        if completed.returncode == 1:
            checks.true("merged %s differs from the unsharded report" % report_format,
                        read(directory, merged) == read(directory, "whole." + report_format))
            checks.true("merged failed list differs from the unsharded one",
                        read(directory, "merged-failed.txt") == read(directory, "whole-failed.txt"))
    shard_lines = sum((read(directory, "f%d.txt" % k).decode().splitlines() for k in range(SHARDS)), [])
    whole_lines = read(directory, "whole-failed.txt").decode().splitlines()
    checks.equal("shard failed lists together", sorted(shard_lines), sorted(whole_lines))
    checks.true("the shard reports carry shard and index", b'"shard": {"index": 0, "count": 4, "listEntries": 12,'
                in read(directory, "s0.json") and b"\n    index: 1\n" in read(directory, "s1.yaml"))
    return checks.result()


def expect_refusal(checks, what, completed, reason):
    checks.equal(what + " exit", completed.returncode, 2)
    checks.true("%s: stderr says %r: %r" % (what, reason, completed.stderr[-400:]), reason in completed.stderr)


def case_refusals(setup, imgtrust, _scratch):
    checks = Checks()
    directory = setup.directory
    s0, s1, s2, s3 = setup.shard_reports
    expect_refusal(checks, "missing shard", merge(imgtrust, directory, [s0, s1, s3], "bad.json", "json"),
                   "1 of 4 shards missing: 2/4")
    expect_refusal(checks, "duplicated shard", merge(imgtrust, directory, [s0, s1, s1, s2, s3], "bad.json", "json"),
                   "shard 1/4 is given twice: s1.yaml and s1.yaml")
    expect_refusal(checks, "plain report among shards",
                   merge(imgtrust, directory, ["whole.json", s1, s2, s3], "bad.json", "json"),
                   "whole.json is not a shard report")
    expect_refusal(checks, "csv report", merge(imgtrust, directory, ["whole.csv"], "bad.json", "json"),
                   "whole.csv: not a validate report")
    # Shard 2 again, checked with another key, then on a list with one more line.
    other_key = validate_command(imgtrust, "other-key.json", "other-key.txt", "json", ["--shard", "2/4"])
    other_key[other_key.index(PUB)] = OTHER_PUB
    checks.equal("shard with another key exit", run(other_key, directory).returncode, 1)
    expect_refusal(checks, "another key", merge(imgtrust, directory, [s0, s1, "other-key.json", s3], "bad.json", "json"),
                   "s0.json and other-key.json were checked with different policies or settings")
    other = os.path.join(directory, "other-list")
    os.makedirs(other, exist_ok=True)
    shutil.copy(os.path.join(directory, "list.txt"), other)
    with open(os.path.join(other, "list.txt"), "a") as out:
        out.write("# one more line\n")
    checks.equal("shard of another list exit",
                 run(validate_command(imgtrust, "s2.json", "f2.txt", "json", ["--shard", "2/4"]), other).returncode, 1)
    expect_refusal(checks, "another list",
                   merge(imgtrust, directory, [s0, s1, os.path.join(other, "s2.json"), s3], "bad.json", "json"),
                   "are shards of different lists")
    checks.true("no merged report was written by a refused merge", not os.path.exists(os.path.join(directory, "bad.json")))
    return checks.result()


def case_shard_usage_errors(setup, imgtrust, _scratch):
    checks = Checks()
    for value, reason in (("4/4", "K must be between 0 and 3"), ("0/0", "N must be between 1"),
                          ("one/4", "K and N must be decimal numbers"), ("2", "expected K/N")):
        completed = run(validate_command(imgtrust, "usage.json", "usage.txt", "json", ["--shard", value]), setup.directory)
        expect_refusal(checks, "--shard " + value, completed, reason)
    command = validate_command(imgtrust, "usage.json", "usage.txt", "json", ["--shard", "0/2"])
    command[command.index("list.txt")] = "-"
    expect_refusal(checks, "--shard with the list on stdin", run(command, setup.directory), "--shard needs the list as a file")
    return checks.result()


CASES = [
    ("merged-equals-unsharded", case_merged_equals_unsharded),
    ("merge-refusals", case_refusals),
    ("shard-usage-errors", case_shard_usage_errors),
]


def main():
    return validate_suite.run_suite("imgtrust validate --shard and report merge against a real docker-registry",
                                    "validate-shards", "imgtrust-shards-", CASES, make_world=World, prepare=Setup)


if __name__ == "__main__":
    sys.exit(main())
