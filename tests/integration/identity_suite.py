#!/usr/bin/python3
"""Keyless CI identity suite (issue 15): policy.json identity extensions on the
dir: images of tests/fixtures/keyless/ci, `policy lint` on them, skopeo 1.9.3
refusing them (fail closed), and the usage errors of validate's identity flags
(the invalid rows of tests/fixtures/identity/re2-cases.json: exit 2 naming
RE2's message). Expected verdicts: docs/keyless-ci-identities.md.

Usage: identity_suite.py --imgtrust BIN --fixtures tests/fixtures [--skopeo BIN]
"""
import json
import os
import shutil
import subprocess

import keyless_suite as ks
import suite_common as common
from suite_common import exact_repository, policy, sigstore_signed

WORKFLOW = "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main"
GITHUB = "https://token.actions.githubusercontent.com"
REPO = exact_repository("registry.example.com/app")


class Ci:
    def __init__(self, fixtures_root):
        self.root = os.path.join(os.path.realpath(fixtures_root), "keyless", "ci")

    def file(self, name):
        return os.path.join(self.root, name)

    def dir(self, name):
        return "dir:" + os.path.join(self.root, "images", name)

    def fulcio(self, **identity):
        trust = {"caPath": self.file("fulcio-root.pem")}
        trust.update(identity)
        return policy(sigstore_signed(REPO, fulcio=trust, rekorPublicKeyPath=self.file("rekor.pub")))


def verify_cases(ci):
    """(verify exit code, reason substring, SAN the accepted certificate lists)."""
    Case, san = ks.Case, "URI:" + WORKFLOW
    gh = dict(oidcIssuer=GITHUB)
    return [
        Case("policy/subjectURI", ci.dir("ci-github"), ci.fulcio(subjectURI=WORKFLOW, **gh), 0, None, san),
        Case("policy/subjectEmail-is-email-only", ci.dir("ci-github"), ci.fulcio(subjectEmail=WORKFLOW, **gh), 1,
             'Required email "%s" not found (got [])' % WORKFLOW),
        Case("policy/subject-any-san-uri", ci.dir("ci-email-and-uri"), ci.fulcio(subject=WORKFLOW, **gh), 0, None, san),
        Case("policy/subject-any-san-dns", ci.dir("ci-dns"),
             ci.fulcio(subject="builder.example.com", oidcIssuer="https://accounts.example.com"), 0, None, "DNS:builder.example.com"),
        Case("policy/subjectURI-not-an-email", ci.dir("ci-email"),
             ci.fulcio(subjectURI="builder@example.com", oidcIssuer="https://accounts.example.com"), 1,
             "no URI subject alternative name equals"),
        Case("policy/subjectRegExp-unanchored-accepts-evil", ci.dir("ci-github-evil-uri"),
             ci.fulcio(subjectRegExp="github.com/o/r/", **gh), 0, None),
        Case("policy/subjectRegExp-anchored-rejects-evil", ci.dir("ci-github-evil-uri"),
             ci.fulcio(subjectRegExp="^https://github\\.com/o/r/", **gh), 1, "matches the RE2 pattern"),
        Case("policy/oidcIssuerRegExp", ci.dir("ci-gitlab"),
             ci.fulcio(subjectRegExp="^https://gitlab\\.com/o/r/", oidcIssuerRegExp="^https://gitlab\\.com$"), 0, None),
        Case("policy/buildSignerURI", ci.dir("ci-github-modern-only"), ci.fulcio(buildSignerURI=WORKFLOW, **gh), 0, None),
        Case("policy/buildSignerURI-other-ref", ci.dir("ci-github-other-ref"), ci.fulcio(buildSignerURI=WORKFLOW, **gh), 1,
             'expected "%s", found "https://github.com/o/r/.github/workflows/x.yml@refs/heads/dev"' % WORKFLOW),
        Case("policy/buildSignerURI-malformed", ci.dir("ci-github-malformed-build-signer"),
             ci.fulcio(buildSignerURI=WORKFLOW, **gh), 1, "malformed (not one DER string)"),
        Case("policy/githubWorkflowRef", ci.dir("ci-github"),
             ci.fulcio(subjectURI=WORKFLOW, githubWorkflowRef="refs/heads/main", githubWorkflowTrigger="push", **gh), 0, None, san),
        Case("policy/githubWorkflowTrigger-mismatch", ci.dir("ci-github-pull-request"),
             ci.fulcio(subjectURI=WORKFLOW, githubWorkflowTrigger="push", **gh), 1,
             'githubWorkflowTrigger (1.3.6.1.4.1.57264.1.2): expected "push", found "pull_request"'),
        Case("policy/expected-versus-found", ci.dir("ci-github-other-ref"),
             ci.fulcio(subject=WORKFLOW, oidcIssuer="https://gitlab.com", githubWorkflowRef="refs/heads/main"), 1,
             'Unexpected Fulcio OIDC issuer "%s" (the policy requires "https://gitlab.com"); Certificate subject: ' % GITHUB),
        Case("policy/invalid-regexp", ci.dir("ci-github"), ci.fulcio(subjectRegExp="(", **gh), 2, "missing ): ("),
        Case("policy/subject-and-regexp", ci.dir("ci-github"), ci.fulcio(subject=WORKFLOW, subjectRegExp="x", **gh), 2,
             "subject and subjectRegExp cannot be used simultaneously"),
        Case("policy/no-subject-rule", ci.dir("ci-github"), ci.fulcio(**gh), 2, 'missing "subjectEmail"'),
    ]


def run(command, cwd=None):
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd)
    return completed.returncode, completed.stdout + completed.stderr


def lint_checks(args, scratch, ci):
    extended = ci.fulcio(oidcIssuer=GITHUB, subjectRegExp="github.com/o/r/", buildSignerURI=WORKFLOW)
    plain = ci.fulcio(oidcIssuer=GITHUB, subjectEmail="builder@example.com")

    def check_extended():
        code, output = run([args.imgtrust, "policy", "lint", common.write_policy(scratch, "lint-extended", extended)])
        problems = [] if code == 0 else ["lint exit %d: %s" % (code, output[-300:])]
        for key in ("subjectRegExp", "buildSignerURI"):
            if "%s is an imgtrust extension" % key not in output:
                problems.append("no not-portable warning for %s: %s" % (key, output[-400:]))
        if '"github.com/o/r/" is not anchored' not in output:
            problems.append("no unanchored-pattern warning: %s" % output[-400:])
        return problems, "exit %d" % code

    def check_plain():
        code, output = run([args.imgtrust, "policy", "lint", common.write_policy(scratch, "lint-plain", plain)])
        problems = [] if code == 0 and "imgtrust extension" not in output else ["plain fulcio policy: %s" % output[-300:]]
        return problems, "exit %d" % code

    return [("lint/extensions-not-portable", check_extended), ("lint/c-image-fields-portable", check_plain)]


def skopeo_checks(args, scratch, ci):
    """skopeo 1.9.3 (c/image 5.23) must refuse every policy using an extension: it fails closed, never ignores it.
    It refuses even a plain "fulcio" object (5.23 predates it), so the plain policy is checked too and the
    refusal must be an invalid-policy error, not a rejection."""
    image = ci.dir("ci-github")
    rows = [("skopeo/refuses-" + key, ci.fulcio(oidcIssuer=GITHUB, **{key: value}))
            for key, value in (("subjectURI", WORKFLOW), ("subject", WORKFLOW), ("subjectRegExp", "^x$"),
                               ("buildSignerURI", WORKFLOW), ("githubWorkflowRef", "refs/heads/main"))]
    rows.append(("skopeo/refuses-oidcIssuerRegExp", ci.fulcio(oidcIssuerRegExp="^x$", subjectURI=WORKFLOW)))
    # The Sigstore-bundle extensions, on a keyed sigstoreSigned that skopeo 1.9.3 itself parses (it rejects the
    # unsigned image: "A signature was required"), so the refusal can only come from the extension.
    key = os.path.join(args.fixtures, "keys", "ecdsa-p256.pub")
    root = os.path.join(args.fixtures, "bundles", "trust", "keyed-trusted_root.json")
    for name, extra in (("matchDigestOnly", {"signedIdentity": {"type": "matchDigestOnly"}}), ("trustedRootPath", {"trustedRootPath": root})):
        rows.append(("skopeo/refuses-" + name, {"default": [dict({"type": "sigstoreSigned", "keyPath": key}, **extra)]}))
    checks = []
    for name, document in rows:
        def check(name=name, document=document):
            path = common.write_policy(scratch, name.replace("/", "-"), document)
            destination = os.path.join(scratch, name.replace("/", "-") + "-copy")
            code, output = run([args.skopeo, "--policy", path, "copy", image, "dir:" + destination])
            verdict = common.classify_skopeo(code, output)
            problems = [] if verdict == "invalid" else ["skopeo %s (exit %d): %s" % (verdict, code, output[-300:])]
            return problems, "skopeo " + verdict
        checks.append((name, check))
    return checks


def validate_usage_checks(args, scratch, ci, fixtures_root):
    """validate refuses bad identity flags before reading any image: exit 2, RE2's message."""
    with open(os.path.join(fixtures_root, "identity", "re2-cases.json"), encoding="utf-8") as f:
        invalid = [row for row in json.load(f)["cases"] if "error" in row and "\\xff" not in row["pattern"]]
    base = ["--fulcio-ca", ci.file("fulcio-root.pem"), "--rekor-public-key", ci.file("rekor.pub")]
    rows = [("validate/re2-" + row["pattern"], ["--certificate-identity-regexp", row["pattern"], "--certificate-oidc-issuer", GITHUB],
             row["error"]) for row in invalid]
    rows += [
        ("validate/issuer-regexp-invalid", ["--certificate-identity", WORKFLOW, "--certificate-oidc-issuer-regexp", "[z-a]"],
         "invalid character class range: z-a"),
        ("validate/identity-and-regexp", ["--certificate-identity", WORKFLOW, "--certificate-identity-regexp", "x",
                                          "--certificate-oidc-issuer", GITHUB], "cannot be used together"),
        ("validate/issuer-and-regexp", ["--certificate-identity", WORKFLOW, "--certificate-oidc-issuer", GITHUB,
                                        "--certificate-oidc-issuer-regexp", "x"], "cannot be used together"),
        ("validate/no-identity", ["--certificate-oidc-issuer", GITHUB], "needs --certificate-identity VALUE or --certificate-identity-regexp"),
        ("validate/no-issuer", ["--certificate-identity", WORKFLOW], "needs --certificate-oidc-issuer URL or --certificate-oidc-issuer-regexp"),
        ("validate/workflow-flag-with-keys", ["-p", ci.file("rekor.pub"), "--certificate-github-workflow-ref", "refs/heads/main"],
         "cannot be used together"),
    ]
    directory = os.path.join(scratch, "validate")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "list.txt"), "w") as f:
        f.write("127.0.0.1:9/never-contacted/app:v1\n")
    checks = []
    for name, flags, message in rows:
        def check(flags=flags, message=message):
            extra = [] if flags[0] == "-p" else base
            code, output = run([args.imgtrust, "validate", "-f", "list.txt", "-r", "report.json"] + extra + flags, cwd=directory)
            problems = []
            if code != 2 or message not in output:
                problems.append("exit %d, want 2 with %r: %s" % (code, message, output[-300:]))
            if os.path.exists(os.path.join(directory, "report.json")):
                problems.append("a usage error wrote a report")
                os.remove(os.path.join(directory, "report.json"))
            return problems, "exit %d" % code
        checks.append((name, check))
    return checks


def main():
    args = common.parse_arguments(__doc__.splitlines()[0])
    args.imgtrust = os.path.abspath(args.imgtrust)  # the validate checks run in a scratch directory (meson passes ./imgtrust)
    scratch = common.make_workdir()
    ci = Ci(args.fixtures)
    try:
        def verify_check(case):
            problems, result = ks.check_case(args, scratch, case)
            return problems, "exit %d" % result.exit_code
        checks = [(case.name, lambda case=case: verify_check(case)) for case in verify_cases(ci)]
        checks += lint_checks(args, scratch, ci)
        if shutil.which(args.skopeo):
            checks += skopeo_checks(args, scratch, ci)
        else:
            print("skopeo not found: the fail-closed checks are skipped")
        checks += validate_usage_checks(args, scratch, ci, os.path.realpath(args.fixtures))
        checks = [(name, check) for name, check in checks if args.filter in name]
        common.run_checks("identity suite", checks, args.verbose, "pass")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
