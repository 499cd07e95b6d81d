"""The cases of sigstore_suite.py. There is no oracle for sigstore (Debian's
skopeo 1.9.3 has it disabled), so each case states its expected exit code and,
for rejections and errors, a substring of the reason, taken from
containers-policy.json(5) and c/image's signature/policy_eval_sigstore*.go and
their tests (wording kept as users quote it, DESIGN §3).
"""
import base64
import collections

from suite_common import (ACCEPT, APP_REPO, APP_V1, BUSYBOX, REJECT, exact_reference, exact_repository, match,
                          policy, prepare_bad_images, remap_identity, signed_by, sigstore_signed)

# fingerprint: for accepted cases, the key the JSON report must name (a keys/*.pub file).
Case = collections.namedtuple("Case", "name image policy exit reason fingerprint", defaults=(None, None))

KEY_TYPES = ("ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa-2048", "rsa-4096", "ed25519")
NO_SIGNATURE = "A signature was required, but no signature exists"
CRYPTO_FAILED = "cryptographic signature verification failed"
NOT_ACCEPTED = "is not accepted"


def key_cases(fx):
    pub = lambda name: fx.key(name + ".pub")  # noqa: E731
    img = lambda name: "dir:" + fx.image(name)  # noqa: E731
    app = exact_reference(APP_V1)
    cases = [Case("key-type/" + key, img("sigstore-%s-app-v1" % key), policy(sigstore_signed(app, keyPath=pub(key))),
                  0, fingerprint=pub(key)) for key in KEY_TYPES]
    table = [
        ("key-type/p384-image-p256-key", "ecdsa-p384", dict(keyPath=pub("ecdsa-p256")), 1, CRYPTO_FAILED),
        ("key-type/rsa-2048-image-rsa-4096-key", "rsa-2048", dict(keyPath=pub("rsa-4096")), 1, CRYPTO_FAILED),
        ("key-type/ed25519-image-p256-key", "ed25519", dict(keyPath=pub("ecdsa-p256")), 1, CRYPTO_FAILED),
        ("keyData", "ecdsa-p256", dict(keyData=fx.key_data("ecdsa-p256.pub")), 0, None),
        ("keyDatas/other-then-right", "ecdsa-p256",
         dict(keyDatas=[fx.key_data("other-ecdsa-p256.pub"), fx.key_data("ecdsa-p256.pub")]), 0, None),
        ("keyDatas/only-other", "ecdsa-p256", dict(keyDatas=[fx.key_data("other-ecdsa-p256.pub")]), 1, CRYPTO_FAILED),
        ("keyPaths/other-then-right", "ed25519", dict(keyPaths=[pub("rsa-2048"), pub("ed25519")]), 0, None),
        ("keyPaths/none-right", "ecdsa-p384", dict(keyPaths=[pub("rsa-2048"), pub("ed25519")]), 1, CRYPTO_FAILED),
        ("wrong-key", "ecdsa-p256", dict(keyPath=pub("other-ecdsa-p256")), 1, CRYPTO_FAILED),
        # cosign's key loader reads the first PEM block of a keyPath file only.
        ("keyPath-two-pem-blocks/first-used", "ecdsa-p256", dict(keyPath=fx.key("bundle-ecdsa-p256-rsa-2048.pub")), 0, None),
        ("keyPath-two-pem-blocks/second-ignored", "rsa-2048",
         dict(keyPath=fx.key("bundle-ecdsa-p256-rsa-2048.pub")), 1, CRYPTO_FAILED),
    ]
    cases += [Case(name, img("sigstore-%s-app-v1" % image), policy(sigstore_signed(app, **key)), code, reason)
              for name, image, key, code, reason in table]
    return cases


def signature_cases(fx):
    p256 = dict(keyPath=fx.key("ecdsa-p256.pub"))
    app = exact_reference(APP_V1)
    table = [
        ("signed-by-other-key", "sigstore-other-key-app-v1", 1, CRYPTO_FAILED),
        ("bad-then-good-signature", "sigstore-other-then-valid", 0, None),
        ("tampered-payload", "sigstore-tampered-payload", 1, CRYPTO_FAILED),
        ("tampered-signature", "sigstore-tampered-signature", 1, CRYPTO_FAILED),
        ("invalid-base64-signature", "sigstore-invalid-base64-signature", 1, "base64"),
        ("missing-signature-annotation", "sigstore-missing-signature-annotation", 1,
         "missing dev.cosignproject.cosign/signature annotation"),
        ("payload-not-json", "sigstore-payload-not-json", 1, "invalid"),
        # Go's JSON decoder (c/image) refuses a byte order mark before the payload.
        ("payload-with-bom", "sigstore-payload-with-bom", 1, "invalid"),
        ("wrong-digest", "sigstore-wrong-digest", 1, "does not match"),
        ("tampered-manifest", "sigstore-tampered-manifest", 1, "does not match"),
        ("wrong-type", "sigstore-wrong-type", 1, "Unrecognized signature type"),
        ("signature-gap", "sigstore-gap-signature-2-only", 1, NO_SIGNATURE),
        ("unsigned", "unsigned", 1, NO_SIGNATURE),
        ("non-signature-attachment-only", "sigstore-non-signature-attachment", 1,
         NO_SIGNATURE + " (0 non-sigstore signatures, 1 sigstore non-signature attachments)"),
        ("attachment-then-signature", "sigstore-attachment-then-valid", 0, None),
        ("missing-mime-type", "sigstore-missing-mime-type", 1,
         NO_SIGNATURE + " (0 non-sigstore signatures, 1 sigstore non-signature attachments)"),
        # Unusual but accepted by c/image: Go's base64 skips newlines, JSON decoding
        # ignores unknown fields, and annotations no requirement asks for are ignored.
        ("base64-with-newlines", "sigstore-base64-with-newlines", 0, None),
        ("blob-unknown-field", "sigstore-blob-unknown-field", 0, None),
        ("unverified-bundle-annotation", "sigstore-unverified-bundle-annotation", 0, None),
    ]
    return [Case("signature/" + name, "dir:" + fx.image(image), policy(sigstore_signed(app, **p256)), code, reason)
            for name, image, code, reason in table]


def identity_cases(fx):
    """dir: images have no docker reference: only exact* can accept (DESIGN §3a.1-3)."""
    p256 = dict(keyPath=fx.key("ecdsa-p256.pub"))
    digest = fx.manifest_digest(fx.image("unsigned"))
    table = [
        ("tag/exactReference", "sigstore-ecdsa-p256-app-v1", exact_reference(APP_V1), 0),
        ("tag/exactReference-other-tag", "sigstore-ecdsa-p256-app-v1", exact_reference("registry.example.com/app:v2"), 1),
        ("tag/exactRepository", "sigstore-ecdsa-p256-app-v1", exact_repository(APP_REPO), 0),
        ("tag/exactRepository-other", "sigstore-ecdsa-p256-app-v1", exact_repository("registry.example.com/other"), 1),
        ("tag/default-matchRepoDigestOrExact", "sigstore-ecdsa-p256-app-v1", None, 1),
        ("tag/matchExact", "sigstore-ecdsa-p256-app-v1", match("matchExact"), 1),
        ("tag/matchRepository", "sigstore-ecdsa-p256-app-v1", match("matchRepository"), 1),
        ("tag/remapIdentity", "sigstore-ecdsa-p256-app-v1", remap_identity("registry.example.com", "registry.example.com"), 1),
        ("repository-only/exactRepository", "sigstore-repository-identity", exact_repository(APP_REPO), 0),
        ("repository-only/exactReference", "sigstore-repository-identity", exact_reference(APP_V1), 1),
        ("repository-only/matchRepository", "sigstore-repository-identity", match("matchRepository"), 1),
        ("repository-only/default", "sigstore-repository-identity", None, 1),
        ("digest/exactReference-digest", "sigstore-digest-identity", exact_reference(APP_REPO + "@" + digest), 0),
        ("digest/exactReference-tag", "sigstore-digest-identity", exact_reference(APP_V1), 1),
        ("digest/exactRepository", "sigstore-digest-identity", exact_repository(APP_REPO), 0),
        ("busybox/exactReference-short-name", "sigstore-busybox", exact_reference("busybox:latest"), 0),
        ("busybox/exactRepository-short-name", "sigstore-busybox", exact_repository("busybox"), 0),
        ("busybox/exactReference-full", "sigstore-busybox", exact_reference(BUSYBOX), 0),
    ]
    return [Case("identity/" + name, "dir:" + fx.image(image), policy(sigstore_signed(identity, **p256)), code,
                 None if code == 0 else NOT_ACCEPTED) for name, image, identity, code in table]


def side_by_side_cases(fx):
    """sigstoreSigned ignores simple signing signatures and signedBy ignores
    sigstore ones (DESIGN §3a.6)."""
    sigstore = sigstore_signed(exact_reference(APP_V1), keyPath=fx.key("ecdsa-p256.pub"))
    gpg = signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-primary-only.gpg"))
    img = lambda name: "dir:" + fx.image(name)  # noqa: E731
    return [
        Case("side-by-side/sigstoreSigned-gpg-only", img("gpg-valid-app-v1"), policy(sigstore), 1,
             NO_SIGNATURE + " (1 non-sigstore signatures, 0 sigstore non-signature attachments)"),
        Case("side-by-side/signedBy-sigstore-only", img("sigstore-ecdsa-p256-app-v1"), policy(gpg), 1, NO_SIGNATURE),
        Case("side-by-side/mixed-sigstoreSigned", img("mixed-gpg-then-sigstore"), policy(sigstore), 0),
        Case("side-by-side/mixed-signedBy", img("mixed-gpg-then-sigstore"), policy(gpg), 0),
        Case("side-by-side/mixed-both-required", img("mixed-gpg-then-sigstore"), policy(gpg, sigstore), 0),
        Case("side-by-side/sigstore-only-both-required", img("sigstore-ecdsa-p256-app-v1"), policy(sigstore, gpg), 1,
             NO_SIGNATURE),
        Case("and/sigstore-and-reject", img("sigstore-ecdsa-p256-app-v1"), policy(sigstore, REJECT), 1, "rejected by policy"),
        Case("and/sigstore-and-accept", img("sigstore-ecdsa-p256-app-v1"), policy(ACCEPT, sigstore), 0),
    ]


def unsupported_trust_cases(fx):
    """fulcio, Rekor and pki are verified (keyless_suite.py has their cases); trust
    files that hold no certificate are invalid configuration, and a Rekor key
    makes the SET mandatory even with keyPath."""
    some_pem = fx.key("ecdsa-p256.pub")
    fulcio = {"caPath": some_pem, "oidcIssuer": "https://issuer.example.com", "subjectEmail": "dev@example.com"}
    pki = {"caRootsPath": some_pem, "subjectEmail": "dev@example.com"}
    img, app = "dir:" + fx.image("sigstore-ecdsa-p256-app-v1"), exact_reference(APP_V1)
    return [
        Case("trust/fulcio-ca-not-a-certificate", img, policy(sigstore_signed(app, fulcio=fulcio, rekorPublicKeyPath=some_pem)),
             2, "no valid PEM CERTIFICATE"),
        Case("trust/pki-roots-not-a-certificate", img, policy(sigstore_signed(app, pki=pki)), 2, "no valid PEM CERTIFICATE"),
        Case("trust/key-with-rekor-needs-a-set", img, policy(sigstore_signed(app, keyPath=some_pem, rekorPublicKeyPath=some_pem)),
             1, "missing dev.sigstore.cosign/bundle annotation"),
    ]


def oci_cases(fx):
    p256 = fx.key("ecdsa-p256.pub")
    layout = lambda name, ref="v1": "oci:%s:%s" % (fx.image(name), ref)  # noqa: E731
    by_repo = sigstore_signed(exact_repository(APP_REPO), keyPath=p256)
    by_tag = sigstore_signed(exact_reference(APP_V1), keyPath=p256)
    return [
        Case("oci/repository-identity/exactRepository", layout("oci-cosign-repository-identity"), policy(by_repo), 0,
             fingerprint=p256),
        Case("oci/repository-identity/exactReference", layout("oci-cosign-repository-identity"), policy(by_tag), 1,
             NOT_ACCEPTED),
        Case("oci/bad-then-good-signature", layout("oci-cosign-other-then-valid"), policy(by_tag), 0, fingerprint=p256),
        Case("oci/tampered-signature", layout("oci-cosign-tampered-signature"), policy(by_tag), 1, CRYPTO_FAILED),
        Case("oci/unsigned", layout("oci-unsigned"), policy(by_tag), 1, NO_SIGNATURE),
        Case("oci/cosign-save-layout-by-index", layout("oci-cosign-save", "@0"), policy(by_repo), 0, fingerprint=p256),
        Case("oci/missing-tag", layout("oci-unsigned", "v2"), policy(by_tag), 3, "v2"),
    ]


def bad_input_cases(fx, bad):
    p256 = fx.key("ecdsa-p256.pub")
    valid, app = "dir:" + fx.image("sigstore-ecdsa-p256-app-v1"), exact_reference(APP_V1)
    missing_key = fx.key("no-such-key.pub")
    not_a_key_data = base64.b64encode(b"this is not a public key\n").decode()
    table = [
        ("missing-key-file", valid, dict(keyPath=missing_key), 2, "no-such-key.pub"),
        ("missing-key-file-in-keyPaths", valid, dict(keyPaths=[p256, missing_key]), 2, "no-such-key.pub"),
        ("key-file-not-a-key", valid, dict(keyPath=fx.key("not-a-key.pub")), 2, "not-a-key.pub"),
        ("keyData-not-a-key", valid, dict(keyData=not_a_key_data), 2, None),
        ("keyData-not-base64", valid, dict(keyData="%%% not base64 %%%"), 2, None),
        ("key-secp256k1", valid, dict(keyPath=fx.key("unsupported-secp256k1.pub")), 2, None),
        ("key-x25519", valid, dict(keyPath=fx.key("unsupported-x25519.pub")), 2, None),
        ("keyPaths-empty", valid, dict(keyPaths=[]), 2, "keyPaths"),
        ("keyDatas-empty", valid, dict(keyDatas=[]), 2, "keyDatas"),
        ("keyPath-and-keyData", valid, dict(keyPath=p256, keyData=fx.key_data("ecdsa-p256.pub")), 2, None),
        ("no-key-source", valid, dict(), 2, None),
        ("missing-image", "dir:" + fx.image("no-such-image"), dict(keyPath=p256), 3, "no-such-image"),
        ("image-without-manifest", "dir:" + bad["no-manifest"], dict(keyPath=p256), 3, "manifest"),
        ("signature-in-unknown-format", "dir:" + bad["unknown-format"], dict(keyPath=p256), 3, "unknown-format"),
        ("sigstore-signature-not-json", "dir:" + bad["sigstore-not-json"], dict(keyPath=p256), 3, "signature-1"),
    ]
    cases = [Case("bad-input/" + name, image, policy(sigstore_signed(app, **key)), code, reason)
             for name, image, key, code, reason in table]
    # insecureAcceptAnything never reads signatures, so unreadable ones do not matter (c/image).
    cases.append(Case("bad-input/unreadable-signature-not-needed", "dir:" + bad["unknown-format"], policy(ACCEPT), 0))
    return cases


def build_cases(fixtures, scratch):
    bad = prepare_bad_images(fixtures, scratch)
    return (key_cases(fixtures) + signature_cases(fixtures) + identity_cases(fixtures) + side_by_side_cases(fixtures)
            + unsupported_trust_cases(fixtures) + oci_cases(fixtures) + bad_input_cases(fixtures, bad))
