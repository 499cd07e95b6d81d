#!/usr/bin/python3
"""Keyless (Fulcio + Rekor SET) and PKI sigstore signatures over a real registry.

Each subject is a fixture of tests/fixtures/keyless/images (see its README):
the image (tests/fixtures/images/unsigned) is pushed to H/<subject>/app:v1 and
the fixture's signature-N files become the layers of a sha256-<hex>.sig
attachment, their annotations (cosign signature, dev.sigstore.cosign/certificate,
…/chain, …/bundle) unchanged (push_sigstore_attachment.py). The metamorphic rule
of sigstore_metamorphic.py holds: imgtrust's verdict on docker://X equals its
verdict on `skopeo copy docker://X dir:D` (use-sigstore-attachments), and both
equal the verdict containers-policy.json(5) gives the fixture; an accepted
signature reports the same certificate and integrated time on both paths.

Then `imgtrust validate` with cosign's keyless flags (--fulcio-ca,
--rekor-public-key, --certificate-oidc-issuer, --certificate-identity) and the
PKI flags (--ca-roots, --certificate-identity/--certificate-hostname) checks
lists of these images: statuses and the certificate fields/columns of the
JSON and CSV reports. Prints "N/M agree".

Usage: keyless_registry.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import base64
import collections
import csv
import hashlib
import json
import os
import shutil
import subprocess

import harness
import publish
import registry_common as rc

common = rc.common
KEYLESS = os.path.join(publish.FIXTURES, "keyless")
SIGSTORE_PREFIX = b"\x00sigstore-json\n"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
APP = common.exact_reference(common.APP_V1)  # what every fixture signature claims
OIDC, SIGNER = "https://oidc.example.com", "signer@example.com"
PKI_EMAIL, PKI_HOST = "pki-signer@example.com", "signer.example.com"
FULCIO_ISSUER_DN = "CN=test fulcio intermediate,O=imgtrust tests"
EXPIRED = "certificate has expired"
SET_UNTRUSTED = "cryptographic signature verification of Rekor SET failed"
SET_OTHER = "signature in Rekor SET does not match"
NO_SET = "missing dev.sigstore.cosign/bundle annotation"

Case = collections.namedtuple("Case", "name subject policy expect reason san")


def keyless_file(name):
    return os.path.join(KEYLESS, name)


def fulcio_policy(email=SIGNER, issuer=OIDC, rekor="rekor.pub", ca="fulcio-root.pem"):
    trust = {"caPath": keyless_file(ca), "oidcIssuer": issuer, "subjectEmail": email}
    return common.policy(common.sigstore_signed(APP, fulcio=trust, rekorPublicKeyPath=keyless_file(rekor)))


def pki_policy(email=None, hostname=None):
    trust = {"caRootsPath": keyless_file("pki-root.pem")}
    trust.update({"subjectEmail": email} if email else {})
    trust.update({"subjectHostname": hostname} if hostname else {})
    return common.policy(common.sigstore_signed(APP, pki=trust))


def key_rekor_policy():
    return common.policy(common.sigstore_signed(APP, keyPath=publish.fixture_key("ecdsa-p256.pub"),
                                                rekorPublicKeyPath=keyless_file("rekor.pub")))


def build_cases():
    """(name, fixture subject, policy, expected verdict, a reason both must give, a SAN the accepted one has)."""
    fulcio, email_pki, host_pki = fulcio_policy(), pki_policy(email=PKI_EMAIL), pki_policy(hostname=PKI_HOST)
    signer, pki_signer, pki_host = "email:" + SIGNER, "email:" + PKI_EMAIL, "DNS:" + PKI_HOST
    accepted, rejected = "accepted", "rejected"
    rows = [
        ("fulcio/valid", "fulcio-valid", fulcio, accepted, None, signer),
        ("fulcio/v1-issuer-only", "fulcio-v1-issuer-only", fulcio, accepted, None, signer),
        ("fulcio/other-then-valid", "fulcio-other-then-valid", fulcio, accepted, None, signer),
        ("fulcio/expired-at-integrated-time", "fulcio-expired-at-integrated-time", fulcio, rejected, EXPIRED, None),
        ("fulcio/set-after-expiry", "fulcio-set-after-expiry", fulcio, rejected, EXPIRED, None),
        ("fulcio/wrong-issuer", "fulcio-wrong-issuer", fulcio, rejected, '"https://other-oidc.example.com"', None),
        ("fulcio/wrong-email", "fulcio-wrong-email", fulcio, rejected, 'Required email "signer@example.com"', None),
        ("fulcio/wrong-eku", "fulcio-wrong-eku", fulcio, rejected, "incompatible key usage", None),
        ("fulcio/other-ca", "fulcio-other-ca", fulcio, rejected, "CN=other fulcio root", None),
        ("fulcio/missing-set", "fulcio-missing-set", fulcio, rejected, NO_SET, None),
        ("fulcio/missing-chain", "fulcio-missing-chain", fulcio, rejected, "unable to get local issuer", None),
        ("fulcio/set-untrusted-rekor-key", "fulcio-set-untrusted-rekor-key", fulcio, rejected, SET_UNTRUSTED, None),
        ("fulcio/set-for-other-signature", "fulcio-set-for-other-signature", fulcio, rejected, SET_OTHER, None),
        ("fulcio/set-tampered-time", "fulcio-set-tampered-integrated-time", fulcio, rejected, SET_UNTRUSTED, None),
        ("fulcio/tampered-signature", "fulcio-tampered-signature", fulcio, rejected, SET_OTHER, None),
        ("fulcio/wrong-digest", "fulcio-wrong-digest", fulcio, rejected, "Signature for digest", None),
        ("fulcio-policy/untrusted-rekor-key", "fulcio-valid", fulcio_policy(rekor="rekor-untrusted.pub"), rejected,
         SET_UNTRUSTED, None),
        ("fulcio-policy/other-issuer", "fulcio-valid", fulcio_policy(issuer="https://accounts.example.org"), rejected,
         '(the policy requires "https://accounts.example.org")', None),
        ("fulcio-policy/other-email", "fulcio-valid", fulcio_policy(email="someone@example.com"), rejected,
         '(got ["signer@example.com"])', None),
        ("key-rekor/valid", "key-rekor-valid", key_rekor_policy(), accepted, None, None),
        ("key-rekor/missing-set", "key-rekor-missing-set", key_rekor_policy(), rejected, NO_SET, None),
        ("pki/email", "pki-email", email_pki, accepted, None, pki_signer),
        ("pki/hostname", "pki-hostname", host_pki, accepted, None, pki_host),
        ("pki/wrong-hostname", "pki-several-hostnames-none-matches", host_pki, rejected,
         "certificate is valid for a.example.com, b.example.com, not signer.example.com", None),
        ("pki-policy/other-hostname", "pki-hostname", pki_policy(hostname="other.example.com"), rejected,
         "not other.example.com", None),
        ("pki/expired", "pki-expired", email_pki, rejected, EXPIRED, None),
        ("pki/other-ca", "pki-other-ca", email_pki, rejected, "CN=other pki root", None),
        ("pki/wrong-eku", "pki-wrong-eku", email_pki, rejected, "incompatible key usage", None),
    ]
    return [Case(*row) for row in rows]


def image_dir(subject):
    """keyless/images/<subject>, or keyless/ci/images/<name> for the CI-identity subjects "ci/<name>"."""
    if subject.startswith("ci/"):
        return os.path.join(KEYLESS, "ci", "images", subject[len("ci/"):])
    return os.path.join(KEYLESS, "images", subject)


def fixture_signatures(subject):
    """The fixture's signature-N files as attachment layers (annotations kept)."""
    directory = image_dir(subject)
    names = sorted((n for n in os.listdir(directory) if n.startswith("signature-")), key=lambda n: int(n.split("-")[1]))
    signatures = []
    for name in names:
        with open(os.path.join(directory, name), "rb") as f:
            blob = f.read()
        if not blob.startswith(SIGSTORE_PREFIX):
            raise RuntimeError("%s/%s is not a sigstore signature" % (subject, name))
        document = json.loads(blob[len(SIGSTORE_PREFIX):])
        annotations = dict(document.get("annotations") or {})
        signatures.append(publish.sigstore_push.Signature(base64.b64decode(document["payload"]), None,
                                                          annotations=annotations, media_type=document["mimeType"],
                                                          with_signature_annotation=False))
    return signatures


class World:
    def __init__(self, workdir):
        self.workdir = workdir
        self.registry = harness.Registry(workdir, "plain")
        self.host = self.registry.host
        self.registries_d = publish.write_registries_d(os.path.join(workdir, "registries.d"),
                                                       {self.host: {"use-sigstore-attachments": True}})
        self.copies = {}

    def name(self, subject):
        return "%s/%s/app:v1" % (self.host, subject)

    def publish(self, subject):
        """Pushes the image and its attachment; the pushed digest must be the one the fixture signed."""
        source = image_dir(subject)
        publish.skopeo_copy("dir:" + source, "docker://" + self.name(subject), extra=["--remove-signatures"])
        digest, _ = publish.manifest_digest(self.registry, subject + "/app", "v1")
        with open(os.path.join(source, "manifest.json"), "rb") as f:
            expected = "sha256:" + hashlib.sha256(f.read()).hexdigest()
        if digest != expected:
            raise RuntimeError("%s: the registry serves %s, the fixture signed %s" % (subject, digest, expected))
        publish.push_sigstore(self.registry, subject + "/app", digest, fixture_signatures(subject))

    def copy_to_dir(self, subject):
        if subject not in self.copies:
            destination = os.path.join(self.workdir, "copy-" + subject.replace("/", "-"))
            completed = publish.skopeo_copy_to_dir("docker://" + self.name(subject), destination, self.registries_d)
            if completed.returncode != 0:
                raise RuntimeError("skopeo copy %s: %s" % (subject, completed.stderr.strip()))
            self.copies[subject] = destination
        return self.copies[subject]


def accepted_certificate(result):
    """(certificate, integratedTime) of the accepted signature in verify --output json, or None."""
    try:
        for requirement in json.loads(result.stdout)["images"][0]["requirements"]:
            for signature in requirement.get("signatures", []):
                if signature.get("accepted"):
                    return signature.get("certificate"), signature.get("integratedTime")
    except (ValueError, KeyError, IndexError, TypeError):
        return "unparsable"
    return None


def check_case(arguments, world, case):
    local = world.copy_to_dir(case.subject)
    signature_files = sorted(n for n in os.listdir(local) if n.startswith("signature-"))
    policy_path = common.write_policy(world.workdir, "case", case.policy)
    remote = rc.run_imgtrust(arguments.imgtrust, policy_path, "docker://" + world.name(case.subject),
                             world.registries_d)
    copied = rc.run_imgtrust(arguments.imgtrust, policy_path, "dir:" + local)
    problems = []
    if remote.verdict != copied.verdict:
        problems.append("docker:// %s but dir: copy %s: docker: %s; dir: %s" % (
            remote.verdict, copied.verdict, remote.text()[-400:], copied.text()[-300:]))
    for label, result in (("docker://", remote), ("dir: copy", copied)):
        if result.verdict != case.expect:
            problems.append("%s %s, the case expects %s: %s"
                            % (label, result.verdict, case.expect, result.text()[-400:]))
    for label, result in (("docker://", remote), ("dir: copy", copied)):
        if case.reason and case.reason not in common.rejection_reasons(result):
            problems.append("%s does not give the reason %r: %s" % (label, case.reason, result.text()[-400:]))
    if not signature_files:
        problems.append("skopeo copied no signature-N file from the attachment")
    remote_certificate, copied_certificate = accepted_certificate(remote), accepted_certificate(copied)
    if remote_certificate != copied_certificate:
        problems.append("accepted certificates differ: docker %r, dir %r" % (remote_certificate, copied_certificate))
    if case.san and (not remote_certificate or not remote_certificate[0]
                     or case.san not in remote_certificate[0].get("subjectAlternativeNames", [])):
        problems.append("docker:// accepted certificate %r lacks %s" % (remote_certificate, case.san))
    return problems, "docker:// %s, dir: %s" % (remote.verdict, copied.verdict)


# --- imgtrust validate with the keyless and PKI flags ---

FULCIO_FLAGS = ["--fulcio-ca", keyless_file("fulcio-root.pem"), "--rekor-public-key", keyless_file("rekor.pub"),
                "--certificate-oidc-issuer", OIDC, "--certificate-identity", SIGNER]
SAME_REPOSITORY = ["--exact-repository", "registry.example.com/app"]
ValidateCase = collections.namedtuple("ValidateCase", "name subjects flags format expect exit_code")


def validate_cases():
    return keyless_validate_cases() + parity_cases() + hangar_user_cases()


def keyless_validate_cases():
    keyless = ["fulcio-valid", "fulcio-wrong-email", "fulcio-expired-at-integrated-time", "fulcio-wrong-issuer",
               "fulcio-missing-set", "fulcio-set-untrusted-rekor-key", "unsigned"]
    return [
        ValidateCase("validate/keyless-json", keyless, FULCIO_FLAGS + SAME_REPOSITORY, "json",
                     ["verified", "untrusted-key", "untrusted-key", "untrusted-key", "invalid-signature",
                      "untrusted-key", "unsigned"], 1),
        ValidateCase("validate/keyless-default-identity", ["fulcio-valid"], FULCIO_FLAGS, "json",
                     ["identity-mismatch"], 1),
        ValidateCase("validate/keyless-yaml-all-verified", ["fulcio-valid", "fulcio-other-then-valid"],
                     FULCIO_FLAGS + SAME_REPOSITORY, "yaml", ["verified", "verified"], 0),
        ValidateCase("validate/pki-hostname-csv", ["pki-hostname", "pki-several-hostnames-none-matches", "pki-expired"],
                     ["--ca-roots", keyless_file("pki-root.pem"), "--certificate-hostname", PKI_HOST] + SAME_REPOSITORY,
                     "csv", ["verified", "untrusted-key", "untrusted-key"], 1),
        ValidateCase("validate/pki-email-intermediates-json", ["pki-email", "pki-email-no-chain"],
                     ["--ca-roots", keyless_file("pki-root.pem"),
                      "--ca-intermediates", keyless_file("pki-intermediate.pem"),
                      "--certificate-identity", PKI_EMAIL] + SAME_REPOSITORY, "json", ["verified", "verified"], 0),
    ]


def run_validate(arguments, world, case):
    directory = os.path.join(world.workdir, case.name.replace("/", "-"))
    os.makedirs(directory)
    with open(os.path.join(directory, "list.txt"), "w") as f:
        f.write("".join(world.name(subject) + "\n" for subject in case.subjects))
    report = os.path.join(directory, "report." + case.format)
    command = [arguments.imgtrust, "validate", "-f", "list.txt", "-o", "failed.txt", "-r", report, "--format",
               case.format, "--tls-verify=false", "-j", "2"] + case.flags
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=directory)
    return completed, report


def report_rows(case, report):
    """[(status, certificate fields)] per manifest, from any of the three formats."""
    with open(report, encoding="utf-8") as f:
        text = f.read()
    if case.format == "csv":
        return [(row["status"], {"subject": row["certificate_subject"], "issuer": row["certificate_issuer"],
                                 "sans": [s for s in row["certificate_sans"].split(" | ") if s],
                                 "oidc": row["certificate_oidc_issuer"]})
                for row in csv.DictReader(text.splitlines())]
    if case.format == "yaml":
        return [(status, None) for status in yaml_statuses(text)]
    document = json.loads(text)
    return [(m["status"], {"subject": m["certificateSubject"], "issuer": m["certificateIssuer"],
                           "sans": m["certificateSans"], "oidc": m["certificateOidcIssuer"]})
            for result in document["results"] for m in result["manifests"]]


def yaml_statuses(text):
    """Manifest statuses of a YAML report (the writer puts each on its own line; no YAML library needed)."""
    return [json.loads(line.split(":", 1)[1]) for line in text.splitlines() if line.startswith("        status: ")]


def certificate_problems(case, index, status, certificate):
    if certificate is None:
        return []
    if status != "verified":
        if any(certificate.values()):
            return ["row %d (%s) has certificate fields %r" % (index, status, certificate)]
        return []
    if case.name.startswith(("parity/", "hangar-flags/")):
        wanted_issuer = "CN=test ci fulcio intermediate,O=imgtrust tests"
        if certificate["issuer"] != wanted_issuer or not certificate["oidc"] or not certificate["sans"]:
            return ["row %d: CI certificate %r (issuer should be %s, with an OIDC issuer)" % (index, certificate, wanted_issuer)]
        return []
    if case.name.startswith("validate/keyless"):
        wanted = {"subject": "", "issuer": FULCIO_ISSUER_DN, "sans": ["email:" + SIGNER], "oidc": OIDC}
        return [] if certificate == wanted else ["row %d: certificate %r, expected %r" % (index, certificate, wanted)]
    san = "DNS:" + PKI_HOST if "hostname" in case.name else "email:" + PKI_EMAIL
    problems = []
    if san not in certificate["sans"]:
        problems.append("row %d: certificate SANs %r lack %s" % (index, certificate["sans"], san))
    if not certificate["issuer"].startswith("CN=") or certificate["oidc"]:
        problems.append("row %d: PKI certificate issuer %r / OIDC issuer %r"
                        % (index, certificate["issuer"], certificate["oidc"]))
    return problems


def check_validate_case(arguments, world, case):
    completed, report = run_validate(arguments, world, case)
    if completed.returncode != case.exit_code:
        note = "exit %d" % completed.returncode
        return ["%s, expected %d: %s" % (note, case.exit_code, completed.stderr[-600:])], note
    if case.exit_code == 2:
        return ([] if not os.path.exists(report) else ["a usage error wrote a report"]), "exit 2"
    rows = report_rows(case, report)
    statuses = [status for status, _ in rows]
    problems = [] if statuses == case.expect else ["statuses %s, expected %s" % (statuses, case.expect)]
    if case.name.startswith("hangar-flags/"):
        problems += check_workflow_fields(case, report)
    for index, (status, certificate) in enumerate(rows):
        problems += certificate_problems(case, index, status, certificate)
    return problems, " ".join(statuses)


# --- CI identities (issue 15): the hangar parity rows, run by imgtrust validate ---

WORKFLOW = "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
# What hangar gets from the public Sigstore TUF root, and the repository the fixtures sign.
CI_TRUST = ["--fulcio-ca", os.path.join(KEYLESS, "ci", "fulcio-root.pem"),
            "--rekor-public-key", os.path.join(KEYLESS, "ci", "rekor.pub")] + SAME_REPOSITORY
# Exactly what a hangar user passes to `hangar sign validate` for a GitHub-workflow-signed list.
HANGAR_FLAGS = ["--certificate-identity", WORKFLOW, "--certificate-oidc-issuer", GITHUB_ISSUER]


def parity_rows():
    with open(os.path.join(publish.FIXTURES, "identity", "hangar-parity.json"), encoding="utf-8") as f:
        return json.load(f)["rows"]


def parity_cases():
    """One validate run per row of tests/fixtures/identity/hangar-parity.json."""
    cases = []
    for row in parity_rows():
        flags = [item for key, value in row["flags"].items() for item in ("--" + key, value)]
        usage = row["imgtrust"] == "usage-error"
        cases.append(ValidateCase("parity/" + row["name"], ["ci/" + row["image"]], CI_TRUST + flags, "json",
                                  [] if usage else [row["imgtrust"]], 2 if usage else (0 if row["imgtrust"] == "verified" else 1)))
    return cases


def hangar_user_cases():
    """A GitHub-workflow-signed list checked with hangar's own two identity flags: JSON and CSV carry the workflow."""
    subjects = ["ci/ci-github", "ci/ci-email-and-uri", "ci/ci-github-other-ref"]
    return [ValidateCase("hangar-flags/" + fmt, subjects, CI_TRUST + HANGAR_FLAGS, fmt,
                         ["verified", "verified", "untrusted-key"], 1) for fmt in ("json", "csv")]


def check_workflow_fields(case, report):
    """The accepted ci-github row names the matched URI SAN and hangar's githubWorkflow* values."""
    with open(report, encoding="utf-8") as f:
        text = f.read()
    if case.format == "csv":
        rows = list(csv.DictReader(text.splitlines()))
        first = {"matched": rows[0]["certificate_matched_san"], "repository": rows[0]["github_workflow_repository"],
                 "ref": rows[0]["github_workflow_ref"], "signer": rows[0]["build_signer_uri"]}
    else:
        manifest = json.loads(text)["results"][0]["manifests"][0]
        first = {"matched": manifest["certificateMatchedSan"], "repository": manifest["githubWorkflowRepository"],
                 "ref": manifest["githubWorkflowRef"], "signer": manifest["buildSignerURI"]}
    wanted = {"matched": "URI:" + WORKFLOW, "repository": "o/r", "ref": "refs/heads/main", "signer": WORKFLOW}
    return [] if first == wanted else ["workflow fields %r, expected %r" % (first, wanted)]


USAGE_ERRORS = [
    ("usage/keys-and-keyless", ["-p", publish.fixture_key("ecdsa-p256.pub")] + FULCIO_FLAGS, "cannot be used together"),
    ("usage/fulcio-without-rekor", FULCIO_FLAGS[:2] + FULCIO_FLAGS[4:], "needs --rekor-public-key"),
    ("usage/fulcio-without-identity", FULCIO_FLAGS[:6], "needs --certificate-identity"),
    ("usage/pki-without-roots", ["--certificate-hostname", PKI_HOST], "needs --ca-roots"),
    ("usage/pki-with-rekor", ["--ca-roots", keyless_file("pki-root.pem"), "--certificate-identity", PKI_EMAIL,
                              "--rekor-public-key", keyless_file("rekor.pub")], "cannot be used with PKI"),
]


def check_usage_error(arguments, world, name, flags, message):
    case = ValidateCase(name, ["fulcio-valid"], flags, "json", [], 2)
    completed, report = run_validate(arguments, world, case)
    problems = []
    if completed.returncode != 2 or message not in completed.stderr:
        problems.append("exit %d, expected 2 with %r: %s" % (completed.returncode, message, completed.stderr[-400:]))
    if os.path.exists(report):
        problems.append("a usage error wrote a report")
    return problems, "exit %d" % completed.returncode


def main():
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    workdir = harness.make_workdir()
    world = None
    try:
        world = World(workdir)
        checks = [(case.name, lambda case=case: check_case(arguments, world, case)) for case in build_cases()]
        checks += [(case.name, lambda case=case: check_validate_case(arguments, world, case))
                   for case in validate_cases()]
        checks += [(name, lambda n=name, f=flags, m=message: check_usage_error(arguments, world, n, f, m))
                   for name, flags, message in USAGE_ERRORS]
        checks = [(name, check) for name, check in checks if arguments.filter in name]
        subjects = {case.subject for case in build_cases()} | {s for case in validate_cases() for s in case.subjects}
        for subject in sorted(subjects - {"unsigned"}):
            world.publish(subject)
        publish.skopeo_copy("dir:" + publish.fixture_image("unsigned"), "docker://" + world.name("unsigned"))
        common.run_checks("registry keyless", checks, arguments.verbose)
    finally:
        if world:
            world.registry.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
