#!/usr/bin/python3
"""verify --multi-arch-rule: which manifest's signature counts for a manifest list.

The dir: fixtures multiarch-* hold a two-platform index (linux/amd64,
linux/arm64) signed by gpg-primary-only on the index only, on the amd64
instance only, or nowhere; "both" is built here from the first two (the index's
signature-1 plus the amd64 instance's <hex>.signature-1). Each is verified for
linux/amd64 under both rules:
  platform (default; podman, skopeo copy): only the instance's signature counts;
  index-or-platform (skopeo >= 1.22.2 image proxy, bootc): either one does.
The JSON report must name the rule, which manifest satisfied it, and (when the
index was evaluated) the index's own evaluation. The platform-rule verdicts are
those skopeo 1.9.3 gives on the same images (skopeo_differential.py multiarch/*).

Usage: multi_arch_rule.py --imgtrust BIN --fixtures tests/fixtures
"""
import json
import os
import shutil

import suite_common as common
from suite_common import APP_V1, REJECT, exact_reference, policy, signed_by

AMD64 = ("--override-os", "linux", "--override-arch", "amd64")


def instance_digests(image_dir):
    with open(os.path.join(image_dir, "manifest.json")) as f:
        index = json.load(f)
    return {m["platform"]["architecture"]: m["digest"] for m in index["manifests"]}


def build_both_signed(fx, scratch):
    """The index signature of multiarch-index-signed plus the amd64 one of multiarch-amd64-signed."""
    both = os.path.join(scratch, "multiarch-both-signed")
    shutil.copytree(fx.image("multiarch-index-signed"), both)
    amd64 = instance_digests(both)["amd64"].split(":")[1]
    shutil.copy(os.path.join(fx.image("multiarch-amd64-signed"), amd64 + ".signature-1"),
                os.path.join(both, amd64 + ".signature-1"))
    return both


# (signed where, rule, exit, satisfiedBy, index evaluated?, index allowed?)
TABLE = [
    ("index-only", "platform", "rejected", "", None),
    ("index-only", "index-or-platform", "accepted", "index", True),
    ("platform-only", "platform", "accepted", "platform", None),
    ("platform-only", "index-or-platform", "accepted", "platform", None),
    ("both", "platform", "accepted", "platform", None),
    ("both", "index-or-platform", "accepted", "platform", None),
    ("neither", "platform", "rejected", "", None),
    ("neither", "index-or-platform", "rejected", "", False),
]


def report_problems(result, rule, satisfied_by, index_allowed, digests, list_digest, instances=1):
    try:
        images = json.loads(result.stdout)["images"]
    except (ValueError, KeyError, TypeError) as error:
        return ["no JSON report (%s): %s" % (error, result.text())]
    problems = []
    if len(images) != instances:
        problems.append("%d entries, want %d" % (len(images), instances))
    for entry in images:
        if entry.get("multiArchRule") != rule:
            problems.append("multiArchRule %r, want %r" % (entry.get("multiArchRule"), rule))
        if entry.get("listDigest") != list_digest:
            problems.append("listDigest %r, want %s" % (entry.get("listDigest"), list_digest))
        if entry.get("manifestDigest") not in digests:
            problems.append("manifestDigest %r is not an instance" % entry.get("manifestDigest"))
        if instances == 1 and entry.get("satisfiedBy") != satisfied_by:
            problems.append("satisfiedBy %r, want %r" % (entry.get("satisfiedBy"), satisfied_by))
        if instances == 1 and index_allowed is None and "index" in entry:
            problems.append("the index was evaluated, but the instance alone decided")
        if index_allowed is not None:
            index = entry.get("index")
            if not isinstance(index, dict) or index.get("allowed") is not index_allowed:
                problems.append("index evaluation %r, want allowed=%r" % (index, index_allowed))
            elif index.get("manifestDigest") != list_digest or not index.get("requirements"):
                problems.append("index evaluation %r names no digest or requirements" % index)
    return problems


def check(args, fx, images, name, policy_path, rule, expect, satisfied_by, index_allowed, extra=(), instances=1):
    image = images[name]
    digests = set(instance_digests(image).values())
    list_digest = fx.manifest_digest(image)
    options = ["--output", "json", "--multi-arch-rule", rule] + list(extra)

    def run():
        result = common.run_imgtrust(args.imgtrust, policy_path, "dir:" + image, options)
        problems = []
        if result.verdict != expect:
            problems.append("imgtrust %s, want %s: %s" % (result.verdict, expect, result.text()))
        if result.verdict in ("accepted", "rejected"):
            problems += report_problems(result, rule, satisfied_by, index_allowed, digests, list_digest, instances)
        if result.verdict == "rejected" and "Rejected:" not in result.stderr:
            problems.append("a rejection without its stderr line: %r" % result.stderr)
        return problems, "imgtrust %s" % result.verdict
    return run


def all_checks(args, fx, scratch):
    images = {"index-only": fx.image("multiarch-index-signed"), "platform-only": fx.image("multiarch-amd64-signed"),
              "neither": fx.image("multiarch-unsigned"), "both": build_both_signed(fx, scratch)}
    trusted = common.write_policy(scratch, "trusted", policy(
        signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-primary-only.gpg"))))
    other_key = common.write_policy(scratch, "other-key", policy(
        signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-other.gpg"))))
    rejecting = common.write_policy(scratch, "reject", policy(REJECT))
    checks = []
    for name, rule, expect, satisfied_by, index_allowed in TABLE:
        checks.append(("%s/%s" % (name, rule),
                       check(args, fx, images, name, trusted, rule, expect, satisfied_by, index_allowed, AMD64)))
    # The index's signature must verify like any other: another key accepts nothing.
    checks.append(("index-only/index-or-platform/other-key",
                   check(args, fx, images, "index-only", other_key, "index-or-platform", "rejected", "", False, AMD64)))
    checks.append(("both/index-or-platform/reject-policy",
                   check(args, fx, images, "both", rejecting, "index-or-platform", "rejected", "", False, AMD64)))
    # --all: every instance; the index's verdict (evaluated once) allows each one.
    checks.append(("index-only/index-or-platform/--all",
                   check(args, fx, images, "index-only", trusted, "index-or-platform", "accepted", "index", True,
                         ("--all",), instances=2)))
    checks.append(("platform-only/index-or-platform/--all",
                   check(args, fx, images, "platform-only", trusted, "index-or-platform", "rejected", None, None,
                         ("--all",), instances=2)))
    checks.append(("platform-only/platform/--all",
                   check(args, fx, images, "platform-only", trusted, "platform", "rejected", None, None,
                         ("--all",), instances=2)))
    return checks


def main():
    common.run_check_suite(__doc__, "multi-arch-rule", all_checks, word="pass")


if __name__ == "__main__":
    main()
