#!/usr/bin/python3
"""The OpenShift registry signature API (X-Registry-Supports-Signatures) against
a loopback shim (openshift_signatures_shim.py), with skopeo 1.9.3 as the oracle
where it reaches a verdict.

A registry that announces the extension has its simple signatures read from
/extensions/v2/<name>/signatures/<digest> instead of lookaside storage
(c/image's GetSignaturesWithFormat). Policy: signedBy gpg-primary-only with
exactReference registry.example.com/app:v1 (the identity the fixture signatures
claim). Hostile answers (over 4 MiB, more than 128 signatures, bad JSON, bad
base64, a 404) must end in exit 3 with the reason on stderr.

Usage: openshift_signatures.py --imgtrust BIN --skopeo skopeo
"""
import collections
import os
import shutil

import harness
import registry_common as rc
from openshift_signatures_shim import MANIFEST_DIGEST

common = rc.common
HERE = os.path.dirname(os.path.abspath(__file__))
# oracle: skopeo's verdict, or None where it is not asked (hostile answers);
# words: what stderr must say for an error.
Case = collections.namedtuple("Case", "name expect oracle words", defaults=(None, ()))

CASES = [
    Case("accepted", "accepted", "accepted"),
    Case("other-key", "rejected", "rejected"),
    Case("tampered", "rejected", "rejected"),
    Case("mixed", "accepted", "accepted"),
    Case("empty", "rejected", "rejected"),
    Case("skipped-only", "rejected", "rejected"),
    # c/image learns the extension from its /v2/ ping, which the shim always answers with the header:
    # skopeo would ask the API here; imgtrust reads the header from the manifest response (no ping).
    Case("no-header", "rejected", None),
    Case("oversize", "error", None, ("signatures for", "exceeds")),
    Case("too-many", "error", None, ("more than 128 signatures",)),
    Case("bad-json", "error", None, ("decoding signature list",)),
    Case("bad-base64", "error", None, ("decoding signature list", "base64")),
    Case("status-404", "error", None, ("downloading signatures for", "404")),
]


def extension_requests(log_path, name):
    path = "/extensions/v2/%s/app/signatures/%s" % (name, MANIFEST_DIGEST)
    with open(log_path) as log:
        return sum(1 for line in log if line.split(" ")[1:2] == [path])


def check(args, scratch, shim_log, port, policy_path, registries_d, case):
    image = "docker://127.0.0.1:%d/%s/app:v1" % (port, case.name)

    def run():
        before = extension_requests(shim_log, case.name)
        result = rc.run_imgtrust(args.imgtrust, policy_path, image, registries_d, ["--retry-times", "0"])
        asked = extension_requests(shim_log, case.name) - before
        problems = []
        if result.verdict != case.expect:
            problems.append("imgtrust %s, want %s: %s" % (result.verdict, case.expect, result.text()[-400:]))
        if asked != (0 if case.name == "no-header" else 1):
            problems.append("%d signature API requests" % asked)
        for word in case.words:
            if word not in result.stderr:
                problems.append("stderr does not say %r: %r" % (word, result.stderr[-300:]))
        if result.verdict in ("accepted", "rejected"):
            problems += common.json_report_problems(result, MANIFEST_DIGEST)
        note = "imgtrust %s" % result.verdict
        if case.oracle:
            oracle, output = rc.run_skopeo_oracle(args.skopeo, policy_path, image, registries_d, scratch)
            note += ", skopeo %s" % oracle
            if oracle != case.oracle:
                problems.append("oracle (skopeo) said %s, the case expects %s: %s" % (oracle, case.oracle, output[-300:]))
        return problems, note
    return run


def main():
    args = rc.parse_arguments(__doc__)
    scratch = harness.make_workdir()
    try:
        shim_log = os.path.join(scratch, "shim.log")
        open(shim_log, "w").close()
        port = harness.free_port()
        shim = harness.ChildServer("openshift-shim", ["/usr/bin/python3", os.path.join(HERE, "openshift_signatures_shim.py"),
                                                      "--port", str(port), "--log", shim_log], port, scratch)
        with shim:
            shim.wait_listening()
            registries_d = os.path.join(scratch, "registries.d")
            os.makedirs(registries_d)
            lookaside = os.path.join(scratch, "empty-lookaside")
            os.makedirs(lookaside)
            with open(os.path.join(registries_d, "default.yaml"), "w") as f:
                f.write("default-docker:\n  lookaside: file://%s\n" % lookaside)
            policy_path = common.write_policy(scratch, "policy", common.policy(common.signed_by(
                common.exact_reference(common.APP_V1), keyPath=rc.gpg_key("gpg-primary-only.gpg"))))
            checks = [(case.name, check(args, scratch, shim_log, port, policy_path, registries_d, case))
                      for case in CASES if args.filter in case.name]
            common.run_checks("openshift-signatures", checks, args.verbose, word="pass")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
