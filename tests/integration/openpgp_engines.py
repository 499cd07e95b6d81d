#!/usr/bin/python3
"""The --openpgp-engine option of verify and validate, end to end (a few seconds).

  - both engines accept gpg-valid-app-v1 and reject gpg-tampered-signature
    (dir: fixtures, signedBy keyPath gpg-primary-only.gpg, exactReference);
  - rnp writes nothing under TMPDIR or HOME (no GNUPGHOME) and, when strace is
    installed, starts no process at all (no gpg, no gpg-agent); gpgme does start gpg;
  - an unknown engine is a usage error (exit 2) naming the choices; on a build
    without RNP (-Drnp=disabled), rnp is exit 2 with "built without RNP";
  - with the rnp engine no librnp log line reaches stderr.

Usage: openpgp_engines.py --imgtrust BIN --fixtures tests/fixtures
"""
import os
import shutil
import subprocess
import tempfile

import suite_common as common

IDENTITY = common.exact_reference(common.APP_V1)


def run(binary, arguments, env=None):
    completed = subprocess.run([binary] + arguments, capture_output=True, text=True, timeout=60, env=env)
    return common.ImgtrustResult(completed.returncode, completed.stdout, completed.stderr)


def process_starts(binary, arguments, env):
    """Programs started (execve) by the command and its children, or None without strace."""
    strace = shutil.which("strace")
    if not strace:
        return None
    trace = tempfile.mktemp(prefix="openpgp-strace-")
    # LeakSanitizer cannot run under ptrace: in the sanitizer build, the traced run skips leak checking.
    env = dict(env)
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"] + ":detect_leaks=0"
    subprocess.run([strace, "-f", "-qq", "-e", "trace=execve", "-o", trace, binary] + arguments, capture_output=True,
                   timeout=60, env=env)
    with open(trace) as lines:
        started = [line.split('"')[1] for line in lines if "execve(" in line and '"' in line]
    os.remove(trace)
    return started[1:]  # the first is imgtrust itself


def main():
    args = common.parse_arguments(__doc__.splitlines()[0])
    binary = os.path.abspath(args.imgtrust)
    fixtures = common.Fixtures(args.fixtures)
    scratch = common.make_workdir()
    engines = common.openpgp_engines(binary)
    checks = []
    try:
        policy = common.write_policy(scratch, "gpg", common.policy(common.signed_by(
            IDENTITY, keyPath=fixtures.key("gpg-primary-only.gpg"))))
        good, bad = "dir:" + fixtures.image("gpg-valid-app-v1"), "dir:" + fixtures.image("gpg-tampered-signature")

        def verdicts(engine):
            def check():
                problems = []
                for image, want in ((good, "accepted"), (bad, "rejected")):
                    result = run(binary, ["verify", "--policy", policy, "--openpgp-engine", engine, image])
                    if result.verdict != want:
                        problems.append("%s: %s, want %s: %s" % (image, result.verdict, want, result.stderr[-300:]))
                    if engine == "rnp" and "[" in result.stderr and ".cpp:" in result.stderr:
                        problems.append("a librnp log line reached stderr: " + result.stderr[-300:])
                return problems, "verify with " + engine
            return check

        def no_gnupg_home():
            home, tmp = tempfile.mkdtemp(dir=scratch), tempfile.mkdtemp(dir=scratch)
            env = dict(os.environ, HOME=home, TMPDIR=tmp)
            env.pop("GNUPGHOME", None)
            result = run(binary, ["verify", "--policy", policy, "--openpgp-engine", "rnp", good], env)
            problems = [] if result.verdict == "accepted" else ["rnp: %s: %s" % (result.verdict, result.stderr[-300:])]
            for directory in (home, tmp):
                if os.listdir(directory):
                    problems.append("rnp wrote %s in %s" % (os.listdir(directory), directory))
            started = process_starts(binary, ["verify", "--policy", policy, "--openpgp-engine", "rnp", good], env)
            if started:
                problems.append("rnp started processes: %s" % started)
            gpgme_started = process_starts(binary, ["verify", "--policy", policy, "--openpgp-engine", "gpgme", good], env)
            if gpgme_started is not None and not any(p.endswith("gpg") for p in gpgme_started):
                problems.append("gpgme started no gpg (the process check would prove nothing): %s" % gpgme_started)
            note = "no GNUPGHOME, no file" + (", no process (strace)" if started is not None else " (no strace)")
            return problems, note

        def unknown_engine():
            problems = []
            for command in (["verify", "--policy", policy], ["validate", "-f", os.devnull, "--policy", policy]):
                result = run(binary, command + ["--openpgp-engine", "sequoia", good] if command[0] == "verify"
                             else command + ["--openpgp-engine", "sequoia"])
                if result.exit_code != 2 or "gpgme" not in result.stderr:
                    problems.append("%s --openpgp-engine sequoia: exit %d: %s" % (command[0], result.exit_code,
                                                                                  result.stderr[-200:]))
            return problems, "unknown engine: exit 2"

        def without_rnp():
            result = run(binary, ["verify", "--policy", policy, "--openpgp-engine", "rnp", good])
            if "rnp" in engines:
                return [], "built with RNP (the refusal is checked by builds with -Drnp=disabled)"
            ok = result.exit_code == 2 and "built without RNP" in result.stderr
            return ([] if ok else ["exit %d: %s" % (result.exit_code, result.stderr[-200:])]), "rnp refused, exit 2"

        checks = [("verify/" + engine, verdicts(engine)) for engine in engines]
        if "rnp" in engines:
            checks.append(("rnp/no-gnupg-home", no_gnupg_home))
        checks += [("unknown-engine", unknown_engine), ("rnp/unavailable", without_rnp)]
        common.run_checks("openpgp engines", checks, args.verbose, "pass")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
