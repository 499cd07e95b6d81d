"""Shared pieces of the integration suites: running imgtrust, writing policies,
building requirements, and reporting.

imgtrust's exit codes (DESIGN.md §4): 0 accepted, 1 rejected by policy,
2 invalid usage or configuration, 3 image or signatures unreadable.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

VERDICT_BY_EXIT = {0: "accepted", 1: "rejected", 2: "invalid", 3: "error"}
EXIT_BY_VERDICT = {v: k for k, v in VERDICT_BY_EXIT.items()}

APP_V1 = "registry.example.com/app:v1"
APP_REPO = "registry.example.com/app"
BUSYBOX = "docker.io/library/busybox:latest"


def parse_arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--imgtrust", required=True, help="the imgtrust binary")
    parser.add_argument("--fixtures", required=True, help="tests/fixtures")
    parser.add_argument("--skopeo", default="skopeo", help="the skopeo binary (oracle)")
    parser.add_argument("--filter", default="", help="run only cases whose name contains this")
    parser.add_argument("--verbose", action="store_true", help="print every case")
    return parser.parse_args()


class Fixtures:
    """Absolute, symlink-free paths into tests/fixtures."""

    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.images = os.path.join(self.root, "images")
        self.keys = os.path.join(self.root, "keys")

    def image(self, name):
        return os.path.join(self.images, name)

    def key(self, name):
        return os.path.join(self.keys, name)

    def key_data(self, name):
        """A key file as policy "keyData" wants it: base64 of the file's bytes."""
        with open(self.key(name), "rb") as f:
            return base64.b64encode(f.read()).decode()

    def manifest_digest(self, image_dir):
        with open(os.path.join(image_dir, "manifest.json"), "rb") as f:
            return "sha256:" + hashlib.sha256(f.read()).hexdigest()


def make_workdir():
    """A temporary directory with no symlink in its own path (scopes are compared
    with resolved image paths)."""
    return os.path.realpath(tempfile.mkdtemp(prefix="imgtrust-it-"))


def prepare_bad_images(fixtures, scratch):
    """Images that cannot be read, made at run time: no manifest, a signature
    file in an unknown format, a sigstore signature file that is not JSON."""
    paths = {name: os.path.join(scratch, name) for name in ("no-manifest", "unknown-format", "sigstore-not-json")}
    os.makedirs(paths["no-manifest"])
    with open(os.path.join(paths["no-manifest"], "version"), "w") as f:
        f.write("Directory Transport Version: 1.1\n")
    for name, blob in (("unknown-format", b"\x00unknown-format\n{}"), ("sigstore-not-json", b"\x00sigstore-json\nnot json")):
        shutil.copytree(fixtures.image("unsigned"), paths[name])
        with open(os.path.join(paths[name], "signature-1"), "wb") as f:
            f.write(blob)
    return paths


def write_policy(workdir, name, policy):
    """policy: a dict (serialised) or a str (written verbatim, for malformed files)."""
    path = os.path.join(workdir, name + ".policy.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(policy if isinstance(policy, str) else json.dumps(policy, indent=1))
    return path


# --- requirements and identities, as containers-policy.json(5) spells them ---

def exact_reference(reference):
    return {"type": "exactReference", "dockerReference": reference}


def exact_repository(repository):
    return {"type": "exactRepository", "dockerRepository": repository}


def match(kind):
    return {"type": kind}


def remap_identity(prefix, signed_prefix):
    return {"type": "remapIdentity", "prefix": prefix, "signedPrefix": signed_prefix}


def signed_by(identity=None, key_type="GPGKeys", **key_source):
    """key_source: exactly one of keyPath=..., keyPaths=[...], keyData=... (or
    several, to make an invalid policy)."""
    requirement = {"type": "signedBy", "keyType": key_type}
    requirement.update(key_source)
    if identity is not None:
        requirement["signedIdentity"] = identity
    return requirement


def sigstore_signed(identity=None, **key_source):
    requirement = {"type": "sigstoreSigned"}
    requirement.update(key_source)
    if identity is not None:
        requirement["signedIdentity"] = identity
    return requirement


ACCEPT = {"type": "insecureAcceptAnything"}
REJECT = {"type": "reject"}


def policy(*default, transports=None):
    result = {"default": list(default)}
    if transports is not None:
        result["transports"] = transports
    return result


# --- running imgtrust ---

class ImgtrustResult:
    def __init__(self, exit_code, stdout, stderr):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.verdict = VERDICT_BY_EXIT.get(exit_code, "exit %d" % exit_code)

    def text(self):
        """A one-line summary for failure messages: the verdict and reasons of a
        JSON report when there is one, else the raw output."""
        try:
            report = json.loads(self.stdout)["images"][0]
            summary = "allowed=%s; %s" % (report.get("allowed"), rejection_reasons(self) or "no reasons")
        except (ValueError, KeyError, IndexError, TypeError):
            summary = self.stdout.strip()
        return (summary + " | stderr: " + self.stderr.strip()).strip()


def run_imgtrust(binary, policy_path, image, extra=(), cwd=None):
    command = [binary, "verify"]
    if policy_path is not None:
        command += ["--policy", policy_path]
    command += list(extra) + [image]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=cwd)
    return ImgtrustResult(completed.returncode, completed.stdout, completed.stderr)


def openpgp_engines(binary):
    """The OpenPGP engines the GPG suites run imgtrust with, each in turn:
    IMGTRUST_OPENPGP_ENGINES (comma separated), else every engine this imgtrust
    was built with (rnp is refused, exit 2, by a build with -Drnp=disabled)."""
    names = os.environ.get("IMGTRUST_OPENPGP_ENGINES", "")
    if names:
        return [name for name in names.split(",") if name]
    probe = subprocess.run([binary, "verify", "--openpgp-engine", "rnp", "--insecure-policy", "dir:/nonexistent-probe"],
                           capture_output=True, text=True, timeout=60)
    return ["gpgme"] if "built without RNP" in probe.stderr else ["gpgme", "rnp"]


def engine_runs(policy, engines):
    """[(label, options)] for one case: once per OpenPGP engine when the policy
    has a signedBy requirement, else once with the default engine."""
    text = policy if isinstance(policy, str) else json.dumps(policy)
    if "signedBy" not in text:
        return [("", [])]
    return [(" [%s]" % engine, ["--openpgp-engine", engine]) for engine in engines]


def json_report_problems(result, expected_digest):
    """Checks the --output json contract on an accepted or rejected verdict:
    one image, "allowed" agreeing with the exit code, and the digest of the
    manifest bytes that were verified. Returns a list of problems."""
    try:
        document = json.loads(result.stdout)
        report = document["images"][0]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        return ["--output json is not the documented shape (%s): %r" % (error, result.stdout[:200])]
    problems = []
    if report.get("allowed") is not (result.exit_code == 0):
        problems.append("json allowed=%r but exit %d" % (report.get("allowed"), result.exit_code))
    if expected_digest and report.get("manifestDigest") != expected_digest:
        problems.append("json manifestDigest %r, want %s" % (report.get("manifestDigest"), expected_digest))
    return problems


def rejection_reasons(result):
    """All reason strings of a JSON report (requirements and signatures), joined."""
    try:
        report = json.loads(result.stdout)["images"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
    parts = []
    for requirement in report.get("requirements", []):
        parts.append(requirement.get("reason") or "")
        for sig in requirement.get("signatures", []):
            parts.append(sig.get("reason") or "")
    if "error" in report:
        parts.append(report["error"].get("message", ""))
    return " | ".join(p for p in parts if p)


def classify_skopeo(exit_code, output):
    """skopeo exits 1 for every failure: tell an invalid policy from a rejection by its message."""
    if exit_code == 0:
        return "accepted"
    if "Error loading trust policy" in output or "invalid policy in" in output:
        return "invalid"
    if "Source image rejected" in output:
        return "rejected"
    return "error"


def run_cases(suite, args, scratch, cases, check_case):
    """Runs check_case(args, scratch, case) -> (problems, ImgtrustResult) for each case, prints the
    failing ones (all with --verbose), then the summary; exits non-zero on any failure."""
    cases = [c for c in cases if args.filter in c.name]
    failures = []
    for case in cases:
        problems, result = check_case(args, scratch, case)
        if args.verbose or problems:
            print("%-60s exit %d, want %d" % (case.name, result.exit_code, case.exit))
        failures += ["%s: %s" % (case.name, p) for p in problems]
    finish(suite, len(cases), failures, "pass")


def run_checks(suite, checks, verbose, word="agree"):
    """checks: (name, check) pairs, check() -> (problems, note). Prints the failing checks (all with
    --verbose), then the summary; exits non-zero on any failure."""
    failures = []
    for name, check in checks:
        problems, note = check()
        if verbose or problems:
            print("%-55s %s" % (name, note))
        failures += ["%s: %s" % (name, problem) for problem in problems]
    finish(suite, len(checks), failures, word)


class CommandChecks:
    """Counts the checks of imgtrust commands run in workdir and collects their
    failures ("name: detail"); subclasses add the expect methods."""

    def __init__(self, binary, workdir):
        self.binary, self.workdir = binary, workdir
        self.total, self.failures = 0, []

    def run(self, arguments, env=None):
        """(exit code, stdout, stderr) of imgtrust ARGUMENTS; exit -1 after 60 s."""
        try:
            completed = subprocess.run([self.binary] + arguments, capture_output=True, text=True, timeout=60,
                                       env=env, cwd=self.workdir)
        except subprocess.TimeoutExpired:
            return -1, "", "timed out after 60 s"
        return completed.returncode, completed.stdout, completed.stderr


def run_command_suite(description, suite, make_checks, add_checks):
    """The main() of a CommandChecks suite: parses the arguments, makes a workdir
    removed at the end, checks = make_checks(absolute imgtrust, workdir),
    add_checks(checks, args, fixtures, workdir), then prints "suite: N/M pass" and
    exits non-zero on any failure."""
    args = parse_arguments(description)
    fixtures = Fixtures(args.fixtures)
    workdir = make_workdir()
    try:
        checks = make_checks(os.path.abspath(args.imgtrust), workdir)
        add_checks(checks, args, fixtures, workdir)
        finish(suite, checks.total, checks.failures, "pass")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_check_suite(description, suite, build_checks, word="agree"):
    """The main() of a fixture suite: parses the arguments (imgtrust made absolute,
    the checks may run in a scratch directory), makes a scratch directory removed at
    the end, and runs the checks build_checks(args, fixtures, scratch) -> [(name, check)]
    whose name contains --filter as run_checks does."""
    args = parse_arguments(description)
    args.imgtrust = os.path.abspath(args.imgtrust)
    fixtures = Fixtures(args.fixtures)
    scratch = make_workdir()
    try:
        checks = [(name, check) for name, check in build_checks(args, fixtures, scratch) if args.filter in name]
        run_checks(suite, checks, args.verbose, word)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def finish(suite, total, failures, word):
    """Prints the failures and "suite: N/M <word>"; exits non-zero on any failure."""
    for line in failures:
        print("FAIL " + line)
    failed_cases = len({line.split(": ", 1)[0] for line in failures})
    print("%s: %d/%d %s" % (suite, total - failed_cases, total, word))
    sys.exit(1 if failures else 0)
