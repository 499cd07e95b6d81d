#!/usr/bin/python3
"""Differential suite for Sigstore bundles: imgtrust verify-bundle against
@sigstore/verify 3.1.1 (tests/fixtures/tools/sigstore-js/verify_bundle.js),
both under the sigstore-conformance CLI protocol, on

  - every case of tests/fixtures/bundles/index.json (bundles written by
    @sigstore/sign + @sigstore/mock and by python3-cryptography), whose
    expected verdict is in the index;
  - every case under tests/conformance/bundle-verify/ if present (expected
    verdict: the directory name ends in _fail or not);

each once with the artifact's path and once with its sha256: digest.

Pass condition: imgtrust's verdict equals the expected one on every run, and
every run where imgtrust and @sigstore/verify disagree is a row of the "Known
differences" table of docs/sigstore-bundles-differential.md (and every row
there still disagrees). The npm packages are installed by this script
(tests/fixtures/tools/sigstore-js/npm_env.py, `npm ci` into a cache dir); when
that is impossible the suite is SKIPPED (exit 77) with the reason.

    bundle_differential.py --imgtrust BIN --fixtures tests/fixtures
        [--conformance DIR] [--docs FILE] [--filter TEXT] [--verbose]
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

SKIP = 77
VERDICT = {0: "verified", 1: "not-verified", 2: "usage-error"}
CONFORMANCE_IDENTITY = ("https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
                        ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main")
CONFORMANCE_ISSUER = "https://token.actions.githubusercontent.com"
RUN_TIMEOUT = 60


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imgtrust", required=True)
    parser.add_argument("--fixtures", required=True, help="tests/fixtures")
    parser.add_argument("--conformance", help="the conformance cases (default: <fixtures>/../conformance/bundle-verify)")
    parser.add_argument("--docs", help="the differences table (default: <fixtures>/../../docs/sigstore-bundles-differential.md)")
    parser.add_argument("--public-good-root", help="trusted root for conformance cases without trusted_root.json "
                        "(default: the one imgtrust ships, if found)")
    parser.add_argument("--filter", default="")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


class Case:
    """strict: not-verified means exit 1 exactly (the fixtures: their trust
    material is always valid). Conformance cases are not strict: as in the
    suite's test_verify (client.raises()), any non-zero exit is a failure."""

    def __init__(self, name, bundle, artifact, expected, trusted_root=None, key=None, identity=None, issuer=None,
                 strict=True):
        self.name, self.bundle, self.artifact, self.expected = name, bundle, artifact, expected
        self.trusted_root, self.key, self.identity, self.issuer = trusted_root, key, identity, issuer
        self.strict = strict

    def verdict(self, raw):
        """A run's verdict as this case compares it."""
        return raw if self.strict or raw == "verified" else "not-verified"

    def protocol_args(self, artifact_input, trusted_root):
        args = ["verify-bundle", "--bundle", str(self.bundle)]
        if self.key:
            args += ["--key", str(self.key)]
        else:
            args += ["--certificate-identity", self.identity, "--certificate-oidc-issuer", self.issuer]
        if trusted_root:
            args += ["--trusted-root", str(trusted_root)]
        return args + [artifact_input]


def fixture_cases(fixtures):
    index = json.loads((fixtures / "bundles" / "index.json").read_text())
    for c in index["cases"]:
        yield Case(c["name"], fixtures / c["bundle"], fixtures / c["artifact"], c["verify_bundle"],
                   trusted_root=fixtures / c["trusted_root"], key=c.get("key") and fixtures / c["key"],
                   identity=c.get("identity"), issuer=c.get("issuer"))


def index_problems(fixtures):
    """Files the index names that are missing, and bundles no case uses."""
    index = json.loads((fixtures / "bundles" / "index.json").read_text())
    named = set()
    problems = []
    for c in index["cases"]:
        for field in ("bundle", "artifact", "trusted_root", "key"):
            if c.get(field):
                named.add((fixtures / c[field]).resolve())
                if not (fixtures / c[field]).is_file():
                    problems.append(f"{c['name']}: {field} {c[field]} does not exist")
    for path in sorted((fixtures / "bundles").glob("*/*.sigstore.json")):
        # bundles/pki/ holds policy-only fixtures (a private CA, no log): tests/unit/policy/bundle_policy_test.cpp reads them.
        if path.parent.name == "pki":
            continue
        if path.resolve() not in named:
            problems.append(f"{path.relative_to(fixtures)} is used by no case of bundles/index.json")
    return problems


def conformance_cases(directory):
    if not directory.is_dir():
        return
    for case in sorted(p for p in directory.iterdir() if (p / "bundle.sigstore.json").is_file()):
        read = lambda name, default: (case / name).read_text().strip() if (case / name).exists() else default
        artifact = case / "artifact" if (case / "artifact").exists() else directory / "a.txt"
        yield Case("conformance/" + case.name, case / "bundle.sigstore.json", artifact,
                   "not-verified" if case.name.endswith("_fail") else "verified",
                   trusted_root=case / "trusted_root.json" if (case / "trusted_root.json").exists() else None,
                   key=case / "key.pub" if (case / "key.pub").exists() else None,
                   identity=read("identity", CONFORMANCE_IDENTITY), issuer=read("issuer", CONFORMANCE_ISSUER),
                   strict=False)


def run(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    detail = " ".join((done.stderr.strip() or done.stdout.strip()).splitlines()[-2:])
    return VERDICT.get(done.returncode, f"exit {done.returncode}"), detail


def known_differences(docs):
    """{(case, input): (imgtrust, sigstore-js)} from the table between the markers."""
    text = docs.read_text() if docs.exists() else ""
    match = re.search(r"<!-- known-differences:begin -->(.*?)<!-- known-differences:end -->", text, re.S)
    rows = {}
    for line in (match.group(1) if match else "").splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] not in ("case", "") and not set(cells[0]) <= set("-: "):
            for artifact_input in (("path", "digest") if cells[1] == "both" else (cells[1],)):
                rows[(cells[0], artifact_input)] = (cells[2], cells[3])
    return rows


def find_public_good_root(repo):
    for pattern in ("data/sigstore/public-good-trusted-root.json", "data/**/*trusted*root*.json"):
        found = sorted(repo.glob(pattern))
        if found:
            return found[0]
    return None


class Differential:
    def __init__(self, options, modules):
        self.imgtrust = options.imgtrust
        self.node_env = dict(os.environ, NODE_PATH=str(modules))
        self.verifier = str(Path(options.fixtures).resolve() / "tools" / "sigstore-js" / "verify_bundle.js")
        self.public_good = options.public_good_root

    def sigstore_js(self, argvs):
        """All runs of @sigstore/verify in one node process (verify_bundle.js --batch)."""
        stdin = "".join(json.dumps(a) + "\n" for a in argvs)
        done = subprocess.run(["node", self.verifier, "--batch"], input=stdin, capture_output=True, text=True,
                              env=self.node_env, timeout=RUN_TIMEOUT * 10, check=False)
        lines = done.stdout.splitlines()
        if done.returncode != 0 or len(lines) != len(argvs):
            raise RuntimeError(f"verify_bundle.js --batch failed: {done.stderr.strip()[-2000:]}")
        results = [json.loads(line) for line in lines]
        return [(VERDICT.get(r["exit"], f"exit {r['exit']}"), r.get("reason") or r["stage"]) for r in results]

    def all(self, cases):
        jobs = []
        for case in cases:
            digest = "sha256:" + hashlib.sha256(case.artifact.read_bytes()).hexdigest()
            jobs += [(case, str(case.artifact), "path"), (case, digest, "digest")]
        node_jobs = [i for i, (case, _, _) in enumerate(jobs) if case.trusted_root or self.public_good]
        node_results = dict(zip(node_jobs, self.sigstore_js(
            [jobs[i][0].protocol_args(jobs[i][1], jobs[i][0].trusted_root or self.public_good) for i in node_jobs])))
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            ours = list(pool.map(lambda job: run([self.imgtrust] + job[0].protocol_args(job[1], job[0].trusted_root)), jobs))
        return [{"case": case.name, "input": label, "expected": case.expected,
                 "imgtrust": case.verdict(ours[i][0]), "imgtrust_detail": f"{ours[i][0]}: {ours[i][1]}",
                 "sigstore_js": case.verdict(node_results.get(i, ("no-root", ""))[0]),
                 "sigstore_js_detail": node_results.get(i, ("", "no trusted root for @sigstore/verify"))[1]}
                for i, (case, _, label) in enumerate(jobs)]


def report(results, known):
    failures, unexplained, seen = [], [], set()
    for r in results:
        key = (r["case"], r["input"])
        if r["imgtrust"] != r["expected"]:
            failures.append(r)
        if r["imgtrust"] != r["sigstore_js"]:
            if known.get(key) == (r["imgtrust"], r["sigstore_js"]):
                seen.add(key)
            else:
                unexplained.append(r)
    stale = sorted(set(known) - seen)
    return failures, unexplained, stale


def describe(r):
    return (f"{r['case']} [{r['input']}]: expected {r['expected']}, imgtrust {r['imgtrust']} "
            f"({r['imgtrust_detail'] or '-'}), @sigstore/verify {r['sigstore_js']} ({r['sigstore_js_detail'] or '-'})")


def main():
    options = parse_arguments()
    sys.path.insert(0, str(Path(options.fixtures).resolve() / "tools" / "sigstore-js"))
    import npm_env  # pylint: disable=import-outside-toplevel
    fixtures = Path(options.fixtures).resolve()
    started = time.monotonic()
    try:
        modules = npm_env.ensure()
    except npm_env.NpmUnavailable as error:
        print(f"SKIP: the sigstore-js packages cannot be installed ({error}); "
              "the bundle differential needs node >= 20.17 and npm with registry access once")
        return SKIP
    install_seconds = time.monotonic() - started
    if options.public_good_root is None:
        found = find_public_good_root(fixtures.parent.parent)
        options.public_good_root = str(found) if found else None
    conformance = Path(options.conformance) if options.conformance else fixtures.parent / "conformance" / "bundle-verify"
    cases = [c for c in list(fixture_cases(fixtures)) + list(conformance_cases(conformance)) if options.filter in c.name]
    results = Differential(options, modules).all(cases)
    docs = Path(options.docs) if options.docs else fixtures.parent.parent / "docs" / "sigstore-bundles-differential.md"
    known = {k: v for k, v in known_differences(docs).items() if options.filter in k[0]}
    failures, unexplained, stale = report(results, known)
    problems = index_problems(fixtures)
    for problem in problems:
        print("index: " + problem)
    for r in results:
        if options.verbose:
            print(("ok   " if r["imgtrust"] == r["expected"] else "FAIL ") + describe(r))
    for r in failures:
        print("imgtrust verdict differs from the expected one: " + describe(r))
    for r in unexplained:
        print("unexplained difference with @sigstore/verify: " + describe(r))
    for case, artifact_input in stale:
        print(f"stale row in {docs.name}: {case} [{artifact_input}] no longer differs as listed")
    agree = sum(r["imgtrust"] == r["sigstore_js"] for r in results)
    expected_ok = len(results) - len(failures)
    print(f"{expected_ok}/{len(results)} runs as expected; {agree}/{len(results)} agree with @sigstore/verify; "
          f"{len(results) - agree} listed differences; package setup {install_seconds:.1f} s")
    return 1 if failures or unexplained or stale or problems else 0


if __name__ == "__main__":
    sys.exit(main())
