#!/usr/bin/python3
"""Sigstore suite: `imgtrust verify` on dir: and oci: images with cosign
signatures, against expected verdicts (no oracle: Debian's skopeo 1.9.3 has
sigstore disabled). Cases are in sigstore_cases.py.

Checks per case: the exit code (0 accepted, 1 rejected, 2 invalid
configuration, 3 unreadable image); for rejections and errors, that the reason
(JSON report or stderr) contains the stated substring; for accepted cases with
a named key, that the report names that key's SHA256 fingerprint.

Usage: sigstore_suite.py --imgtrust BIN --fixtures tests/fixtures
"""
import hashlib
import json
import shutil

from cryptography.hazmat.primitives import serialization

import suite_common as common
from sigstore_cases import build_cases


def key_fingerprint(public_key_path):
    """SHA256:<hex> of the DER SubjectPublicKeyInfo (keys/FINGERPRINTS.txt)."""
    with open(public_key_path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "SHA256:" + hashlib.sha256(der).hexdigest()


def accepted_fingerprints(result):
    try:
        report = json.loads(result.stdout)["images"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return set()
    return {sig.get("keyFingerprint") for req in report.get("requirements", [])
            for sig in req.get("signatures", []) if sig.get("accepted")}


SIGNATURE_KINDS = {"invalid-signature", "untrusted-signer", "digest-mismatch", "identity-mismatch", "unsupported"}
REQUIREMENT_KINDS = {"no-signatures", "signatures-rejected", "policy-reject", "unsupported"}


def rejection_kind_problems(result):
    """docs/verify-json.md: every rejected requirement and signature has a typed
    rejectionKind; accepted and not-evaluated ones have ""."""
    try:
        report = json.loads(result.stdout)["images"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return []  # json_report_problems reports an unreadable document
    problems = []
    for req in report.get("requirements", []):
        kind = req.get("rejectionKind")
        if (req.get("result") == "rejected") != (kind in REQUIREMENT_KINDS) or (req.get("result") != "rejected" and kind != ""):
            problems.append("requirement %s (%s) has rejectionKind %r" % (req.get("index"), req.get("result"), kind))
        for sig in req.get("signatures", []):
            kind = sig.get("rejectionKind")
            if (kind == "") != bool(sig.get("accepted")) or (kind != "" and kind not in SIGNATURE_KINDS):
                problems.append("signature %s (accepted %s) has rejectionKind %r" % (sig.get("index"), sig.get("accepted"), kind))
    return problems


def check_case(args, scratch, case):
    policy_path = common.write_policy(scratch, "case", case.policy)
    result = common.run_imgtrust(args.imgtrust, policy_path, case.image, ["--output", "json"])
    problems = []
    if result.exit_code != case.exit:
        problems.append("exit %d (%s), want %d: %s" % (result.exit_code, result.verdict, case.exit, result.text()[-400:]))
    elif case.reason:
        said = common.rejection_reasons(result) + " | " + result.stderr
        if case.reason.lower() not in said.lower():
            problems.append("reason lacks %r: %s" % (case.reason, said.strip()[-400:]))
    if result.exit_code == case.exit and case.fingerprint:
        want = key_fingerprint(case.fingerprint)
        if want not in accepted_fingerprints(result):
            problems.append("no accepted signature names key %s: %s" % (want, result.stdout[-400:]))
    if result.exit_code in (0, 1):
        problems += common.json_report_problems(result, None)
        problems += rejection_kind_problems(result)
    return problems, result


def main():
    args = common.parse_arguments(__doc__.splitlines()[0])
    fixtures = common.Fixtures(args.fixtures)
    scratch = common.make_workdir()
    try:
        common.run_cases("sigstore suite", args, scratch, build_cases(fixtures, scratch), check_case)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
