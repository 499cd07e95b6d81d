#!/usr/bin/python3
"""Sigstore metamorphic suite: imgtrust's verdict on docker://X equals its verdict
on dir:D, where D is `skopeo copy docker://X dir:D` with use-sigstore-attachments.

Debian's skopeo can neither make nor check sigstore signatures, but it copies
sha256-<hex>.sig attachments into signature-N files; so the registry path
(manifest, attachment manifest, payload blobs) must reach the same verdict as the
local engine on the copy. Signatures are written by push_sigstore_attachment.py.
A docker:// image has a docker reference and a dir: image has none, so policies
are `default`-only and use identities that treat both alike (exactReference,
exactRepository), or cases where the crypto or the digest decides. Each case also
names the verdict both must reach. Prints "N/M agree".

Usage: sigstore_metamorphic.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import json
import os
import shutil
import subprocess

import harness
import publish
import registry_common as rc
from sigstore_metamorphic_cases import build_cases, publish_subjects

common = rc.common


class World:
    def __init__(self, workdir):
        self.workdir = workdir
        self.registry = harness.Registry(workdir, "plain")
        self.host = self.registry.host
        self.registries_d = publish.write_registries_d(os.path.join(workdir, "registries.d"),
                                                       {self.host: {"use-sigstore-attachments": True}})
        self.copies = {}

    def ref(self, repository, tag_or_digest="v1"):
        return "docker://%s/%s%s" % (self.host, repository, publish.reference_suffix(tag_or_digest))

    def name(self, repository, tag=None):
        return "%s/%s%s" % (self.host, repository, ":" + tag if tag else "")

    def copy_to_dir(self, image, copy_all):
        """skopeo copy IMAGE dir:… (attachments become signature-N files), once per image."""
        key = (image, copy_all)
        if key not in self.copies:
            destination = os.path.join(self.workdir, "copy-%d" % len(self.copies))
            completed = publish.skopeo_copy_to_dir(image, destination, self.registries_d,
                                                   src_options=["--all"] if copy_all else [])
            if completed.returncode != 0:
                raise RuntimeError("skopeo copy %s: %s" % (image, completed.stderr.strip()))
            self.copies[key] = destination
        return self.copies[key]


def check_case(arguments, world, case):
    local = world.copy_to_dir(case.image, case.copy_all)
    policy_path = common.write_policy(world.workdir, "case", case.policy)
    remote = rc.run_imgtrust(arguments.imgtrust, policy_path, case.image, world.registries_d, case.options)
    copied = rc.run_imgtrust(arguments.imgtrust, policy_path, "dir:" + local, None, case.options)
    problems = []
    if remote.verdict != copied.verdict:
        problems.append("docker:// %s but dir: copy %s: docker: %s; dir: %s" % (
            remote.verdict, copied.verdict, remote.text()[-400:], copied.text()[-300:]))
    if copied.verdict != case.expect:
        problems.append("dir: copy %s, the case expects %s: %s" % (copied.verdict, case.expect, copied.text()[-400:]))
    if remote.verdict != case.expect:
        problems.append("docker:// %s, the case expects %s: %s" % (remote.verdict, case.expect, remote.text()[-400:]))
    if remote.verdict in ("accepted", "rejected") and copied.verdict == remote.verdict:
        problems += same_digest_problems(remote, copied)
    if "--all" in case.options:
        problems += ["docker://: " + p for p in rc.all_instances_problems(remote, 2)]
        problems += ["dir: " + p for p in rc.all_instances_problems(copied, 2)]
        problems += text_summary_problems(arguments, policy_path, "dir:" + local, case, copied)
    if "--require-signed" in case.options and case.expect == "rejected":
        problems += require_signed_reason_problems(case, remote, copied)
    if case.signature_count is not None:
        problems += signature_count_problems(local, case)
    return problems, "docker:// %s, dir: %s" % (remote.verdict, copied.verdict)


def same_digest_problems(remote, copied):
    try:
        digests = [json.loads(r.stdout)["images"][0].get("manifestDigest") for r in (remote, copied)]
    except (ValueError, KeyError, IndexError):
        return ["--output json is not the documented shape"]
    return [] if digests[0] == digests[1] else ["verified digests differ: docker %s, dir %s" % tuple(digests)]


def text_summary_problems(arguments, policy_path, image, case, json_result):
    """verify --all in text mode ends a list's instances with one summary line
    that agrees with the JSON entries and the exit code."""
    command = [arguments.imgtrust, "verify", "--policy", policy_path] + list(case.options) + [image]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=rc.IMGTRUST_TIMEOUT)
    try:
        entries = json.loads(json_result.stdout)["images"]
    except (ValueError, KeyError, TypeError):
        return ["--output json is not the documented shape"]
    accepted = sum(1 for entry in entries if entry.get("allowed") is True)
    want = "%s: %s (%d of %d instances of %s accepted)" % (
        image, "accepted" if accepted == len(entries) else "rejected", accepted, len(entries),
        entries[0].get("listDigest") if entries else "")
    problems = []
    if want not in completed.stdout.splitlines():
        problems.append("text output lacks the summary %r: %s" % (want, completed.stdout[-300:]))
    if completed.returncode != json_result.exit_code:
        problems.append("text exit %d, json exit %d" % (completed.returncode, json_result.exit_code))
    return problems


def require_signed_reason_problems(case, remote, copied):
    """A policy that verifies no signature must be refused with c/image's message;
    a requirement's own rejection must not be replaced by it."""
    problems = []
    for name, result in (("docker://", remote), ("dir:", copied)):
        try:
            reasons = [entry.get("reason", "") for entry in json.loads(result.stdout)["images"]]
        except (ValueError, KeyError, TypeError):
            return ["%s --output json is not the documented shape" % name]
        verifies = any(r.get("type") in ("signedBy", "sigstoreSigned") for r in case.policy["default"])
        want = "" if verifies else "No signature verification policy found for image "
        if not all(reason.startswith(want) if want else reason == "" for reason in reasons):
            problems.append("%s --require-signed reasons %r, want %r" % (name, reasons, want or ""))
    return problems


def signature_count_problems(local, case):
    """The copy must hold as many signatures as were pushed (else skopeo did not copy them)."""
    found = sorted(name for name in os.listdir(local) if "signature-" in name)
    if len(found) != case.signature_count:
        return ["the dir: copy holds %d signature files (%s), the case pushed %d"
                % (len(found), ", ".join(found), case.signature_count)]
    return []


def main():
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    workdir = harness.make_workdir()
    world = None
    try:
        world = World(workdir)
        publish_subjects(world)
        cases = [case for case in build_cases(world) if arguments.filter in case.name]
        checks = [(case.name, lambda case=case: check_case(arguments, world, case)) for case in cases]
        common.run_checks("registry sigstore metamorphic", checks, arguments.verbose)
    finally:
        if world:
            world.registry.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
