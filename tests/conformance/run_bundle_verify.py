#!/usr/bin/env python3
"""sigstore-conformance's bundle verification tests against `imgtrust verify-bundle`.

Reproduces test/test_bundle.py::test_verify with test/client.py's
build_verify_args: every directory of bundle-verify/ is one case, run twice
(the artifact path, then "sha256:<hex>" of the artifact). A case whose name
ends in "_fail" must exit non-zero without crashing (a signal or an exit code
of 128 or more counts as a crash); every other case must exit 0.

usage: run_bundle_verify.py --imgtrust BIN [--assets DIR] [--filter TEXT] [--verbose]
Prints "N/M pass" and the failing runs; exits 1 if any run failed.
"""
import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

# test/client.py's defaults.
CERTIFICATE_IDENTITY = (
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/"
    "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
)
CERTIFICATE_OIDC_ISSUER = "https://token.actions.githubusercontent.com"


def case_arguments(case: Path, assets: Path, digest: bool) -> list[str]:
    """BundleMaterials.from_dir + SigstoreClient.build_verify_args."""
    args = ["verify-bundle", "--bundle", str(case / "bundle.sigstore.json")]
    if (case / "key.pub").exists():
        args += ["--key", str(case / "key.pub")]
    else:
        identity = (case / "identity").read_text().strip() if (case / "identity").exists() else CERTIFICATE_IDENTITY
        issuer = (case / "issuer").read_text().strip() if (case / "issuer").exists() else CERTIFICATE_OIDC_ISSUER
        args += ["--certificate-identity", identity, "--certificate-oidc-issuer", issuer]
    if (case / "trusted_root.json").exists():
        args += ["--trusted-root", str(case / "trusted_root.json")]
    artifact = case / "artifact" if (case / "artifact").exists() else assets / "a.txt"
    if digest:
        args.append("sha256:" + hashlib.sha256(artifact.read_bytes()).hexdigest())
    else:
        args.append(str(artifact))
    return args


def run_case(imgtrust: str, case: Path, assets: Path, digest: bool) -> tuple[bool, str]:
    """(passed, explanation) for one run."""
    command = [imgtrust] + case_arguments(case, assets, digest)
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60)
    code = completed.returncode
    expect_failure = case.name.endswith("_fail")
    if code < 0 or code >= 128:
        return False, f"crashed (exit {code}): {completed.stderr.strip()[-400:]}"
    if expect_failure and code == 0:
        return False, "verified, but the case must fail: " + completed.stdout.strip()[-300:]
    if not expect_failure and code != 0:
        return False, f"exit {code}: {completed.stderr.strip()[-400:]}"
    if code != 0 and not completed.stderr.strip():
        return False, f"exit {code} without a reason on stderr"
    return True, completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "verified"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--imgtrust", required=True)
    parser.add_argument("--assets", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--filter", default="")
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    assets = Path(options.assets)
    cases = sorted(p for p in (assets / "bundle-verify").iterdir() if p.is_dir() and options.filter in p.name)
    failures = []
    passed = 0
    for case in cases:
        for digest in (False, True):
            label = f"{case.name} [{'DIGEST' if digest else 'PATH'}]"
            ok, why = run_case(options.imgtrust, case, assets, digest)
            passed += ok
            if not ok:
                failures.append(f"{label}: {why}")
            if options.verbose:
                print(f"{'ok  ' if ok else 'FAIL'} {label}: {why}")
    total = 2 * len(cases)
    print(f"{passed}/{total} pass")
    for failure in failures:
        print("  FAIL " + failure)
    return 0 if passed == total and total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
