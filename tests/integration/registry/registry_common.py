"""Pieces shared by the registry suites: arguments, running imgtrust and the
skopeo oracle against docker:// images, policies."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/integration: suite_common
import suite_common as common  # noqa: E402

IMGTRUST_TIMEOUT = 60


def parse_arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--imgtrust", required=True, help="the imgtrust binary")
    parser.add_argument("--skopeo", default="skopeo", help="the skopeo binary (oracle)")
    parser.add_argument("--filter", default="", help="run only cases whose name contains this")
    parser.add_argument("--verbose", action="store_true", help="print every case")
    arguments = parser.parse_args()
    arguments.imgtrust = os.path.abspath(arguments.imgtrust)
    return arguments


def run_imgtrust(binary, policy_path, image, registries_d=None, extra=(), timeout=IMGTRUST_TIMEOUT, env=None):
    """imgtrust verify --output json against a loopback registry (TLS not verified
    unless extra says otherwise)."""
    command = [binary, "verify", "--output", "json"]
    if policy_path:
        command += ["--policy", policy_path]
    if registries_d:
        command += ["--registries.d", registries_d]
    remote = image.startswith("docker://")
    if remote and not any(option.startswith(("--tls-verify", "--cert-dir")) for option in extra):
        command.append("--tls-verify=false")
    command += list(extra) + [image]
    completed = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=timeout, env=env)
    return common.ImgtrustResult(completed.returncode, completed.stdout, completed.stderr)


def run_skopeo_oracle(skopeo, policy_path, image, registries_d, scratch, options=()):
    """skopeo --policy P --registries.d D copy --src-tls-verify=false IMAGE dir:TMP."""
    destination = tempfile.mkdtemp(prefix="oracle-", dir=scratch)
    command = [skopeo, "--policy", policy_path]
    if registries_d:
        command += ["--registries.d", registries_d]
    command += ["copy", "-q", "--src-tls-verify=false"] + list(options) + [image, "dir:" + destination]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(destination, ignore_errors=True)
    output = (completed.stdout + completed.stderr).strip()
    return common.classify_skopeo(completed.returncode, output), output


def all_instances_problems(result, instance_count):
    """Checks verify --all --output json on a manifest list: one entry per
    instance (same image and listDigest, distinct platforms and digests), and
    the exit code says accepted only if every entry is allowed."""
    try:
        entries = json.loads(result.stdout)["images"]
    except (ValueError, KeyError, TypeError) as error:
        return ["--output json is not the documented shape (%s): %r" % (error, result.stdout[:200])]
    problems = []
    if len(entries) != instance_count:
        problems.append("--all gave %d entries, want one per instance (%d)" % (len(entries), instance_count))
    for field, want_distinct in (("image", False), ("listDigest", False), ("platform", True),
                                 ("manifestDigest", True)):
        values = [entry.get(field) for entry in entries]
        if not all(values) or len(set(values)) != (len(values) if want_distinct else 1):
            problems.append("--all entries' %s: %r" % (field, values))
    all_allowed = all(entry.get("allowed") is True for entry in entries)
    if all_allowed is not (result.exit_code == 0):
        problems.append("--all: every entry allowed=%r but exit %d" % (all_allowed, result.exit_code))
    return problems


def docker_policy(scopes, default=None):
    """A policy whose default rejects and whose docker transport has these scopes."""
    return {"default": default or [common.REJECT], "transports": {"docker": scopes}}


def gpg_key(name):
    return os.path.realpath(os.path.join(HERE, "..", "..", "fixtures", "keys", name))
