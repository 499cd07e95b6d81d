#!/usr/bin/python3
"""Keyless suite: `imgtrust verify` with sigstoreSigned fulcio (+ Rekor SETs),
keyPath + Rekor and pki trust, on the dir: and oci: images of
tests/fixtures/keyless (regenerate-keyless.sh) and on c/image's own cosign
fixtures (tests/fixtures/keyless/cimage), against expected verdicts taken from
containers-policy.json(5) and c/image's policy_eval_sigstore_test.go,
fulcio_cert_test.go, pki_cert_test.go and internal/rekor_set_test.go.

Checks per case: the exit code (0 accepted, 1 rejected, 2 invalid
configuration); for rejections and errors, that the reason contains the stated
substring; for accepted keyless cases, that the JSON report carries the
certificate's SANs (and, with fulcio, the SET's integrated time).

Usage: keyless_suite.py --imgtrust BIN --fixtures tests/fixtures
"""
import base64
import collections
import json
import os
import shutil

import suite_common as common
from suite_common import APP_V1, exact_reference, exact_repository, policy, sigstore_signed

# san: for accepted certificate cases, a SAN the JSON report must list; time: the integrated time it must give.
Case = collections.namedtuple("Case", "name image policy exit reason san time", defaults=(None, None, None))

OIDC = "https://oidc.example.com"
SIGNER = "signer@example.com"
PKI_EMAIL, PKI_HOST = "pki-signer@example.com", "signer.example.com"
INTEGRATED_TIME = 1700000030
APP = exact_reference(APP_V1)
CHAIN = "veryfing leaf certificate failed"
SET_UNTRUSTED = "cryptographic signature verification of Rekor SET failed"


class Keyless:
    def __init__(self, fixtures_root):
        self.root = os.path.join(os.path.realpath(fixtures_root), "keyless")

    def file(self, name):
        return os.path.join(self.root, name)

    def data(self, name):
        with open(self.file(name), "rb") as f:
            return base64.b64encode(f.read()).decode()

    def dir(self, name):
        return "dir:" + os.path.join(self.root, "images", name)

    def oci(self, name):
        return "oci:%s:v1" % os.path.join(self.root, "images", "oci-" + name)

    def fulcio(self, ca="fulcio-root.pem", issuer=OIDC, email=SIGNER, rekor=None, identity=APP, **extra):
        trust = {"caPath": self.file(ca), "oidcIssuer": issuer, "subjectEmail": email}
        rekor = rekor or {"rekorPublicKeyPath": self.file("rekor.pub")}
        return policy(sigstore_signed(identity, fulcio=trust, **rekor, **extra))

    def pki(self, email=None, hostname=None, roots="pki-root.pem", intermediates=None):
        trust = {"caRootsPath": self.file(roots)}
        if intermediates:
            trust["caIntermediatesPath"] = self.file(intermediates)
        if email:
            trust["subjectEmail"] = email
        if hostname:
            trust["subjectHostname"] = hostname
        return policy(sigstore_signed(APP, pki=trust))


def fulcio_cases(k):
    default = k.fulcio()
    table = [
        ("valid", 0, None),
        ("v1-issuer-only", 0, None),
        ("v2-issuer-only", 0, None),
        ("several-emails-one-matches", 0, None),
        ("other-then-valid", 0, None),
        ("expired-at-integrated-time", 1, "certificate has expired"),
        ("not-yet-valid-at-integrated-time", 1, "certificate is not yet valid"),
        ("set-after-expiry", 1, "checked at 2023-11-14T23:36:40Z (the Rekor SET's integrated time)"),
        ("wrong-issuer", 1, 'Unexpected Fulcio OIDC issuer "https://other-oidc.example.com"'),
        ("wrong-email", 1, 'Required email "signer@example.com" not found (got ["someone-else@example.com"])'),
        ("wrong-eku", 1, "incompatible key usage"),
        ("other-ca", 1, "CN=other fulcio root"),
        ("issuers-disagree", 1, "inconsistent OIDC issuer extension values"),
        ("no-issuer-extension", 1, "Fulcio certificate is missing the issuer extension"),
        ("missing-set", 1, "missing dev.sigstore.cosign/bundle annotation"),
        ("missing-certificate", 1, "missing dev.sigstore.cosign/certificate annotation"),
        ("missing-chain", 1, "unable to get local issuer certificate"),
        # c/image drops the chain annotation's last certificate (the root must come from the policy).
        ("chain-without-root", 1, "unable to get local issuer certificate"),
        ("set-for-other-signature", 1, "signature in Rekor SET does not match"),
        ("set-for-other-payload", 1, "payload in Rekor SET does not match"),
        ("set-for-other-certificate", 1, "publicKey in Rekor SET does not match"),
        ("set-untrusted-rekor-key", 1, SET_UNTRUSTED),
        ("set-tampered-integrated-time", 1, SET_UNTRUSTED),
        ("set-sha512", 1, 'Unexpected "data.hash.algorithm" value "sha512"'),
        ("set-wrong-kind", 1, 'invalid kind value: "rekord"'),
        ("set-wrong-version", 1, 'unsupported Rekor SET Payload hashedrekord version "0.0.2"'),
        # The SET is checked first, against the certificate annotation's PEM bytes.
        ("malformed-certificate", 1, "publicKey in Rekor SET does not match"),
        ("two-certificates", 1, "public key or cert to be matched against publicKey in Rekor SET has trailing data"),
        ("malformed-chain", 1, "loading certificate chain"),
        ("malformed-set", 1, "parsing the Rekor SET"),
        ("tampered-signature", 1, "signature in Rekor SET does not match"),
        ("wrong-digest", 1, "does not match"),
    ]
    cases = [Case("fulcio/" + name, k.dir("fulcio-" + name), default, code, reason,
                  "email:" + SIGNER if code == 0 else None, INTEGRATED_TIME if code == 0 else None)
             for name, code, reason in table]
    return cases


def fulcio_policy_cases(k):
    """The valid keyless image under policies that differ in one trust setting."""
    default, valid = k.fulcio(), k.dir("fulcio-valid")
    return [
        Case("fulcio-policy/other-email", valid, k.fulcio(email="someone@example.com"), 1, 'Required email "someone@example.com"'),
        Case("fulcio-policy/other-issuer", valid, k.fulcio(issuer="https://accounts.example.org"), 1, "Unexpected Fulcio OIDC issuer"),
        Case("fulcio-policy/other-ca", valid, k.fulcio(ca="fulcio-other-root.pem"), 1, "unable to get local issuer certificate"),
        Case("fulcio-policy/several-cas", valid, k.fulcio(ca="fulcio-roots-other-then-ours.pem"), 0, None, "email:" + SIGNER),
        Case("fulcio-policy/intermediate-trusted", k.dir("fulcio-missing-chain"), k.fulcio(ca="fulcio-intermediate.pem"), 0, None),
        Case("fulcio-policy/caData", valid, policy(sigstore_signed(APP, fulcio={
            "caData": k.data("fulcio-root.pem"), "oidcIssuer": OIDC, "subjectEmail": SIGNER},
            rekorPublicKeyData=k.data("rekor.pub"))), 0, None, None, INTEGRATED_TIME),
        Case("fulcio-policy/untrusted-rekor-key", valid, k.fulcio(rekor={"rekorPublicKeyPath": k.file("rekor-untrusted.pub")}),
             1, SET_UNTRUSTED),
        Case("fulcio-policy/rekor-keys-untrusted-then-ours", valid, k.fulcio(rekor={"rekorPublicKeyPaths": [
            k.file("rekor-untrusted.pub"), k.file("rekor.pub")]}), 0, None),
        Case("fulcio-policy/rekor-keyDatas", valid, k.fulcio(rekor={"rekorPublicKeyDatas": [
            k.data("rekor-untrusted.pub"), k.data("rekor.pub")]}), 0, None),
        Case("fulcio-policy/identity-not-accepted", valid, k.fulcio(identity=exact_reference("registry.example.com/other:v1")),
             1, "is not accepted"),
        Case("fulcio-policy/unsigned", "dir:" + os.path.join(os.path.dirname(k.root), "images", "unsigned"), default, 1,
             "A signature was required, but no signature exists"),
        Case("fulcio-policy/key-signature-has-no-certificate", "dir:" + os.path.join(
            os.path.dirname(k.root), "images", "sigstore-ecdsa-p256-app-v1"), default, 1, "missing dev.sigstore.cosign/bundle"),
    ]


def key_rekor_cases(k, fixtures_root):
    p256 = os.path.join(os.path.realpath(fixtures_root), "keys", "ecdsa-p256.pub")
    other = os.path.join(os.path.realpath(fixtures_root), "keys", "other-ecdsa-p256.pub")
    rekor = k.file("rekor.pub")
    with_rekor = policy(sigstore_signed(APP, keyPath=p256, rekorPublicKeyPath=rekor))
    return [
        Case("key-rekor/valid", k.dir("key-rekor-valid"), with_rekor, 0, None, None, INTEGRATED_TIME),
        Case("key-rekor/keys-other-then-ours", k.dir("key-rekor-valid"),
             policy(sigstore_signed(APP, keyPaths=[other, p256], rekorPublicKeyPath=rekor)), 0, None),
        Case("key-rekor/missing-set", k.dir("key-rekor-missing-set"), with_rekor, 1, "missing dev.sigstore.cosign/bundle annotation"),
        Case("key-rekor/set-for-other-key", k.dir("key-rekor-set-for-other-key"), with_rekor, 1,
             "No public key verified against the RekorSET: publicKey in Rekor SET does not match"),
        Case("key-rekor/untrusted-rekor-key", k.dir("key-rekor-valid"),
             policy(sigstore_signed(APP, keyPath=p256, rekorPublicKeyPath=k.file("rekor-untrusted.pub"))), 1, SET_UNTRUSTED),
        Case("key-rekor/no-rekor-key-ignores-set", k.dir("key-rekor-set-for-other-key"),
             policy(sigstore_signed(APP, keyPath=p256)), 0, None),
    ]


def pki_cases(k):
    email_policy, host_policy = k.pki(email=PKI_EMAIL), k.pki(hostname=PKI_HOST)
    table = [
        ("email", email_policy, 0, None, "email:" + PKI_EMAIL),
        ("email-and-hostname", k.pki(email=PKI_EMAIL, hostname=PKI_HOST), 0, None, "DNS:" + PKI_HOST),
        ("hostname", host_policy, 0, None, "DNS:" + PKI_HOST),
        ("wildcard-hostname", host_policy, 0, None, "DNS:*.example.com"),
        ("no-eku", email_policy, 0, None, None),
        ("email-no-chain", k.pki(email=PKI_EMAIL, intermediates="pki-intermediate.pem"), 0, None, None),
        ("email-no-chain", email_policy, 1, "unable to get local issuer certificate", None),
        ("hostname", email_policy, 1, 'Required email "pki-signer@example.com" not found (got [])', None),
        ("email", host_policy, 1, "Unexpected subject hostname: x509: certificate is not valid for any names", None),
        ("several-hostnames-none-matches", host_policy, 1, "certificate is valid for a.example.com, b.example.com, not", None),
        ("email", k.pki(email="someone@example.com"), 1, 'Required email "someone@example.com" not found', None),
        ("expired", email_policy, 1, "certificate has expired: the certificate is valid from 2020-01-01T00:00:00Z", None),
        ("other-ca", email_policy, 1, "CN=other pki root", None),
        ("wrong-eku", email_policy, 1, "incompatible key usage", None),
        ("othername-san", email_policy, 1, "unhandled critical extension", None),
        ("sha1-signed", email_policy, 1, "insecure algorithm", None),
        ("email-missing-certificate", email_policy, 1, "missing dev.sigstore.cosign/certificate annotation", None),
        ("email", k.pki(email=PKI_EMAIL, roots="pki-other-root.pem"), 1, "unable to get local issuer certificate", None),
    ]
    return [Case("pki/%s/%d" % (name, i), k.dir("pki-" + name), p, code, reason, san)
            for i, (name, p, code, reason, san) in enumerate(table)]


def oci_cases(k, fixtures_root):
    p256 = os.path.join(os.path.realpath(fixtures_root), "keys", "ecdsa-p256.pub")
    with_rekor = policy(sigstore_signed(APP, keyPath=p256, rekorPublicKeyPath=k.file("rekor.pub")))
    table = [
        ("fulcio-valid", k.fulcio(), 0, None),
        ("fulcio-wrong-email", k.fulcio(), 1, "Required email"),
        ("fulcio-expired-at-integrated-time", k.fulcio(), 1, "certificate has expired"),
        ("fulcio-set-for-other-signature", k.fulcio(), 1, "signature in Rekor SET does not match"),
        ("fulcio-other-then-valid", k.fulcio(), 0, None),
        ("key-rekor-valid", with_rekor, 0, None),
        ("key-rekor-missing-set", with_rekor, 1, "missing dev.sigstore.cosign/bundle annotation"),
        ("pki-email", k.pki(email=PKI_EMAIL), 0, None),
        ("pki-expired", k.pki(email=PKI_EMAIL), 1, "certificate has expired"),
        ("pki-other-ca", k.pki(email=PKI_EMAIL), 1, "unable to get local issuer certificate"),
    ]
    return [Case("oci/" + name, k.oci(name), p, code, reason) for name, p, code, reason in table]


def cimage_cases(k):
    """c/image's cosign-made fixtures (TestPRrSigstoreSignedIsSignatureAccepted)."""
    c = lambda name: os.path.join(k.root, "cimage", name)  # noqa: E731
    fulcio_image, key_image, pki_image = (
        "dir:" + c("dir-img-cosign-%s-valid" % kind) for kind in ("fulcio-rekor", "key-rekor", "pki"))
    fulcio_identity = exact_repository("192.168.64.2:5000/cosign-signed/fulcio-rekor-1")
    key_identity = exact_repository("192.168.64.2:5000/cosign-signed/key-1")
    pki_identity = exact_repository("localhost:5000/test")

    def fulcio(email="mitr@redhat.com", rekor="rekor.pub"):
        return policy(sigstore_signed(fulcio_identity, fulcio={
            "caPath": c("fulcio_v1.crt.pem"), "oidcIssuer": "https://github.com/login/oauth", "subjectEmail": email},
            rekorPublicKeyPath=c(rekor)))

    def key(key_paths, rekor_paths):
        return policy(sigstore_signed(key_identity, keyPaths=[c(p) for p in key_paths], rekorPublicKeyPaths=[c(p) for p in rekor_paths]))

    def pki(intermediates=True):
        trust = {"caRootsPath": c("pki_root_crts.pem"), "subjectEmail": "qiwan@redhat.com", "subjectHostname": "myhost.example.com"}
        if intermediates:
            trust["caIntermediatesPath"] = c("pki_intermediate_crts.pem")
        return policy(sigstore_signed(pki_identity, pki=trust))

    cases = [
        Case("cimage/fulcio-rekor", fulcio_image, fulcio(), 0, None, "email:mitr@redhat.com", 1674247893),
        Case("cimage/fulcio-other-email", fulcio_image, fulcio(email="this-does-not-match@example.com"), 1, "Required email"),
        Case("cimage/fulcio-rekor-key-mismatch", fulcio_image, fulcio(rekor="cosign.pub"), 1, SET_UNTRUSTED),
        Case("cimage/pki", pki_image, pki(), 0, None, "DNS:myhost.example.com"),
        Case("cimage/pki-without-configured-intermediates", pki_image, pki(False), 0, None),
        Case("cimage/key-rekor-mismatching-rekor-key", key_image, key(["cosign2.pub"], ["cosign.pub"]), 1, SET_UNTRUSTED),
        Case("cimage/key-rekor-set-for-other-key", "dir:" + c("dir-img-cosign-valid"), key(["cosign.pub", "cosign2.pub"], ["rekor.pub"]),
             1, "missing dev.sigstore.cosign/bundle"),
    ]
    for keys in (["cosign2.pub"], ["cosign2.pub", "cosign.pub"], ["cosign.pub", "cosign2.pub"]):
        for rekors in (["rekor.pub"], ["rekor.pub", "cosign.pub"], ["cosign.pub", "rekor.pub"]):
            cases.append(Case("cimage/key-rekor/%s/%s" % ("+".join(keys), "+".join(rekors)), key_image, key(keys, rekors), 0, None))
    return cases


def trust_file_cases(k):
    """Unreadable or invalid trust files: invalid configuration (exit 2), never an accept."""
    valid = k.dir("fulcio-valid")
    return [
        Case("trust/ca-missing", valid, k.fulcio(ca="no-such-ca.pem"), 2, "no-such-ca.pem"),
        Case("trust/ca-not-a-certificate", valid, k.fulcio(ca="rekor.pub"), 2, "no valid PEM CERTIFICATE"),
        Case("trust/rekor-key-not-ecdsa", valid, k.fulcio(rekor={"rekorPublicKeyPath": k.file("rekor-rsa.pub")}), 2,
             "is not using ECDSA"),
        Case("trust/rekor-key-missing", valid, k.fulcio(rekor={"rekorPublicKeyPath": k.file("no-such-rekor.pub")}), 2,
             "no-such-rekor.pub"),
        Case("trust/rekor-key-is-a-certificate", valid, k.fulcio(rekor={"rekorPublicKeyPath": k.file("fulcio-root.pem")}), 2, None),
        Case("trust/pki-roots-not-certificates", k.dir("pki-email"), k.pki(email=PKI_EMAIL, roots="rekor.pub"), 2,
             "no valid PEM CERTIFICATE"),
        Case("trust/pki-intermediates-not-certificates", k.dir("pki-email"),
             k.pki(email=PKI_EMAIL, intermediates="generate_keyless.py"), 2, "loading trusted intermediate certificates"),
        Case("trust/fulcio-without-rekor", valid, policy(sigstore_signed(APP, fulcio={
            "caPath": k.file("fulcio-root.pem"), "oidcIssuer": OIDC, "subjectEmail": SIGNER})), 2, "must be specified if fulcio is used"),
        Case("trust/pki-with-rekor", k.dir("pki-email"), policy(sigstore_signed(APP, pki={
            "caRootsPath": k.file("pki-root.pem"), "subjectEmail": PKI_EMAIL}, rekorPublicKeyPath=k.file("rekor.pub"))), 2,
             "not supported for pki"),
    ]


def accepted_signatures(result):
    try:
        report = json.loads(result.stdout)["images"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return []
    return [sig for req in report.get("requirements", []) for sig in req.get("signatures", []) if sig.get("accepted")]


def check_case(args, scratch, case):
    policy_path = common.write_policy(scratch, "case", case.policy)
    result = common.run_imgtrust(args.imgtrust, policy_path, case.image, ["--output", "json"])
    problems = []
    if result.exit_code != case.exit:
        problems.append("exit %d (%s), want %d: %s" % (result.exit_code, result.verdict, case.exit, result.text()[-500:]))
    elif case.reason:
        said = common.rejection_reasons(result) + " | " + result.stderr
        if case.reason.lower() not in said.lower():
            problems.append("reason lacks %r: %s" % (case.reason, said.strip()[-500:]))
    accepted = accepted_signatures(result) if result.exit_code == 0 else []
    if case.san and not any(case.san in sig.get("certificate", {}).get("subjectAlternativeNames", []) for sig in accepted):
        problems.append("no accepted signature lists SAN %s: %s" % (case.san, result.stdout[-500:]))
    if case.time and not any(sig.get("integratedTime") == case.time for sig in accepted):
        problems.append("no accepted signature gives integratedTime %d" % case.time)
    if result.exit_code in (0, 1):
        problems += common.json_report_problems(result, None)
    return problems, result


def build_cases(fixtures_root):
    k = Keyless(fixtures_root)
    return (fulcio_cases(k) + fulcio_policy_cases(k) + key_rekor_cases(k, fixtures_root) + pki_cases(k) + oci_cases(k, fixtures_root) +
            cimage_cases(k) + trust_file_cases(k))


def main():
    args = common.parse_arguments(__doc__.splitlines()[0])
    scratch = common.make_workdir()
    try:
        common.run_cases("keyless suite", args, scratch, build_cases(args.fixtures), check_case)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
