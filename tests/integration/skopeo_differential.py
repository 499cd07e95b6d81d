#!/usr/bin/python3
"""Differential suite: `imgtrust verify` against skopeo 1.9.3 (the oracle) on
dir: and oci: images signed with GPG (simple signing).

For every case a policy is written, then both run:
  skopeo --policy P copy IMAGE dir:TMP    exit 0 = accepted; on failure the message
                                          says invalid policy / rejected / other error
  imgtrust verify --policy P IMAGE        0 accepted, 1 rejected, 2 invalid, 3 error
Each case also names the verdict the oracle must give (so that a fixture that
stopped testing what it claims is noticed), and the few cases where imgtrust
must differ say so, with the reason, in EXPECTED_DIFFERENCES.

Usage: skopeo_differential.py --imgtrust BIN --fixtures tests/fixtures [--skopeo skopeo]
"""
import os
import shutil
import subprocess
import tempfile

import suite_common as common
from differential_cases import build_cases

# skopeo 1.9.3 vendors c/image 5.23; imgtrust follows current c/image. Where the
# two must disagree, imgtrust's verdict and the reason are listed here.
EXPECTED_DIFFERENCES = {
    "signedBy/trusted-key/subkey-signature":
        ("accepted", "c/image >= 5.37 accepts a signature by a signing subkey of a trusted key; 5.23 rejects it (DESIGN §3a.8)"),
    "signedBy/trusted-key/subkey-signature/keyData":
        ("accepted", "same as above, with the key given inline"),
    "signedBy/keyPath-missing-file":
        ("invalid", "an unloadable key file is a configuration error for imgtrust (exit 2); skopeo rejects. Both deny"),
    "signedBy/keyPath-not-a-key":
        ("invalid", "a key file holding no key is a configuration error for imgtrust (exit 2); skopeo rejects (\"No public keys imported\"). Both deny"),
    "signedBy/keyPaths-one-missing":
        ("invalid", "one unloadable key in keyPaths is a configuration error for imgtrust; skopeo rejects. Both deny"),
    "sigstoreSigned/keyPath-missing-file/unsigned":
        ("invalid", "imgtrust loads sigstore keys before looking at signatures; c/image never loads them when no sigstore signature exists. Both deny"),
    "unreadable/signature-in-unknown-format":
        ("error", "unreadable signatures are exit 3 (DESIGN §4); c/image returns the read error from the requirement, which skopeo prints as \"Source image rejected\". Both deny"),
    "unreadable/sigstore-signature-not-json":
        ("error", "as above: a signature file that does not parse"),
    "unreadable/armored-signature":
        ("error", "as above: c/image's dir: reader takes binary OpenPGP only, an armored signature-1 does not parse"),
}


def run_skopeo(skopeo, policy_path, image, scratch, options=()):
    destination = tempfile.mkdtemp(prefix="dest-", dir=scratch)
    try:
        command = [skopeo] + list(options) + ["--policy", policy_path, "copy", "-q", image, "dir:" + destination]
        completed = subprocess.run(command,
                                   capture_output=True, text=True, timeout=60, cwd=scratch)
    finally:
        shutil.rmtree(destination, ignore_errors=True)
    output = (completed.stdout + completed.stderr).strip()
    return common.classify_skopeo(completed.returncode, output), output


def check_case(args, fixtures, scratch, case):
    """Returns (problems, note) for one case: skopeo once, imgtrust with each
    OpenPGP engine when the policy has signedBy (the oracle is the slow part)."""
    policy_path = common.write_policy(scratch, "case", case.policy)
    oracle, oracle_output = run_skopeo(args.skopeo, policy_path, case.image, scratch, case.options)
    problems = []
    if oracle != case.expect:
        problems.append("oracle (skopeo) said %s, the case expects %s: %s" % (oracle, case.expect, oracle_output[-300:]))
    wanted, why = EXPECTED_DIFFERENCES.get(case.name, (oracle, None))
    verdicts = []
    for label, engine_options in common.engine_runs(case.policy, args.openpgp_engines):
        result = common.run_imgtrust(os.path.abspath(args.imgtrust), policy_path, case.image,
                                     ["--output", "json"] + list(case.options) + engine_options, cwd=scratch)
        verdicts.append(result.verdict + label)
        if result.verdict != wanted:
            problems.append("imgtrust%s %s, skopeo %s%s: imgtrust: %s; skopeo: %s" % (
                label, result.verdict, oracle, " (expected difference: imgtrust " + wanted + ")" if why else "",
                result.text()[-300:], oracle_output[-200:]))
        if result.verdict in ("accepted", "rejected") and case.image.startswith("dir:"):
            image_dir = os.path.join(scratch, case.image[len("dir:"):])
            problems += [p + label for p in common.json_report_problems(result, case.digest or fixtures.manifest_digest(image_dir))]
    note = "imgtrust %s, skopeo %s%s" % (", ".join(verdicts), oracle, " [expected difference]" if why else "")
    return problems, note


def main():
    args = common.parse_arguments(__doc__.splitlines()[0])
    fixtures = common.Fixtures(args.fixtures)
    args.openpgp_engines = common.openpgp_engines(os.path.abspath(args.imgtrust))
    print("OpenPGP engines for signedBy cases: " + ", ".join(args.openpgp_engines))
    scratch = common.make_workdir()
    try:
        all_cases = build_cases(fixtures, scratch)
        cases = [c for c in all_cases if args.filter in c.name]
        unknown = set(EXPECTED_DIFFERENCES) - {c.name for c in all_cases}
        failures = ["expected difference names no case: " + name for name in sorted(unknown)]
        for case in cases:
            problems, note = check_case(args, fixtures, scratch, case)
            if args.verbose or problems:
                print("%-60s %s" % (case.name, note))
            failures += ["%s: %s" % (case.name, p) for p in problems]
        print("expected differences (skopeo 1.9.3 = c/image 5.23, imgtrust = current c/image):")
        for name, (verdict, why) in sorted(EXPECTED_DIFFERENCES.items()):
            print("  %s: imgtrust %s; %s" % (name, verdict, why))
        common.finish("skopeo differential", len(cases), failures, "agree")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
