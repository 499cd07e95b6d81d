"""The cases of skopeo_differential.py: an image, a policy, and the verdict
skopeo 1.9.3 gives (accepted / rejected / invalid).

GPG keys (tests/fixtures/keys): gpg-primary-only signs the gpg-valid-* images
with its primary key (skopeo verifies those); gpg-trusted has a signing subkey;
gpg-other is an unrelated key.
"""
import collections
import json
import os
import shutil

from suite_common import (ACCEPT, APP_REPO, APP_V1, BUSYBOX, REJECT, exact_reference, exact_repository, match,
                          policy, prepare_bad_images, remap_identity, signed_by, sigstore_signed)

# options: given to both tools (skopeo as global options); digest: the manifest
# digest the JSON report must name, when it is not that of IMAGE/manifest.json.
Case = collections.namedtuple("Case", "name image policy expect options digest", defaults=((), None))

VALID = "gpg-valid-app-v1"


def prepare_scope_tree(fixtures, scratch):
    """scratch/store/ns/app (an unsigned image), scratch/store/ns-sibling/app,
    and scratch/link -> scratch/store/ns/app. Returns the paths by name."""
    paths = {
        "app": os.path.join(scratch, "store", "ns", "app"),
        "sibling": os.path.join(scratch, "store", "ns-sibling", "app"),
        "link": os.path.join(scratch, "link"),
    }
    shutil.copytree(fixtures.image("unsigned"), paths["app"])
    shutil.copytree(fixtures.image("unsigned"), paths["sibling"])
    os.symlink(paths["app"], paths["link"])
    paths["ns"] = os.path.dirname(paths["app"])
    paths["store"] = os.path.dirname(paths["ns"])
    paths["store-link"] = os.path.join(scratch, "store-link")
    os.symlink(paths["store"], paths["store-link"])
    paths["oci-link"] = os.path.join(scratch, "oci-link")
    os.symlink(fixtures.image("oci-unsigned"), paths["oci-link"])
    return paths


def simple_requirement_cases(fx):
    unsigned, valid = "dir:" + fx.image("unsigned"), "dir:" + fx.image(VALID)
    return [
        Case("insecureAcceptAnything/unsigned", unsigned, policy(ACCEPT), "accepted"),
        Case("insecureAcceptAnything/signed", valid, policy(ACCEPT), "accepted"),
        Case("reject/unsigned", unsigned, policy(REJECT), "rejected"),
        Case("reject/signed", valid, policy(REJECT), "rejected"),
    ]


def identity_cases(fx):
    """dir: images have no docker reference: only exact* can accept (DESIGN §3a.1-3)."""
    key = {"keyPath": fx.key("gpg-primary-only.gpg")}
    valid, busybox = "dir:" + fx.image(VALID), "dir:" + fx.image("gpg-valid-busybox")
    digest_reference = APP_REPO + "@" + fx.manifest_digest(fx.image(VALID))
    table = [
        ("exactReference/same", valid, exact_reference(APP_V1), "accepted"),
        ("exactReference/other-tag", valid, exact_reference("registry.example.com/app:v2"), "rejected"),
        ("exactReference/digest-of-image", valid, exact_reference(digest_reference), "rejected"),
        ("exactReference/other-image", valid, exact_reference(BUSYBOX), "rejected"),
        ("exactReference/normalised-short-name", busybox, exact_reference("busybox:latest"), "accepted"),
        ("exactReference/normalised-library", busybox, exact_reference("library/busybox:latest"), "accepted"),
        ("exactReference/without-tag-is-invalid", valid, exact_reference(APP_REPO), "invalid"),
        ("exactReference/invalid-reference", valid, exact_reference("UPPER/app:v1"), "invalid"),
        ("exactRepository/same", valid, exact_repository(APP_REPO), "accepted"),
        ("exactRepository/other", valid, exact_repository("registry.example.com/other"), "rejected"),
        ("exactRepository/normalised-short-name", busybox, exact_repository("busybox"), "accepted"),
        ("exactRepository/tag-in-policy-ignored", valid, exact_repository(APP_V1), "accepted"),
        ("default-matchRepoDigestOrExact", valid, None, "rejected"),
        ("matchRepoDigestOrExact", valid, match("matchRepoDigestOrExact"), "rejected"),
        ("matchExact", valid, match("matchExact"), "rejected"),
        ("matchRepository", valid, match("matchRepository"), "rejected"),
        ("remapIdentity", valid, remap_identity("registry.example.com", "registry.example.com"), "rejected"),
        ("unknown-identity-type", valid, match("matchEverything"), "invalid"),
    ]
    return [Case("signedIdentity/" + name, image, policy(signed_by(identity, **key)), expect)
            for name, image, identity, expect in table]


def key_cases(fx):
    app = exact_reference(APP_V1)
    primary, other, trusted = (fx.key("gpg-%s.gpg" % n) for n in ("primary-only", "other", "trusted"))
    image = lambda name: "dir:" + fx.image(name)  # noqa: E731
    table = [
        ("keyPath/binary", VALID, dict(keyPath=primary), "accepted"),
        ("keyPath/armored", VALID, dict(keyPath=fx.key("gpg-primary-only.asc")), "accepted"),
        ("keyPaths/other-then-trusted", VALID, dict(keyPaths=[other, primary]), "accepted"),
        ("keyPaths/only-other", VALID, dict(keyPaths=[other]), "rejected"),
        ("keyPaths/empty", VALID, dict(keyPaths=[]), "rejected"),
        ("keyData/trusted", VALID, dict(keyData=fx.key_data("gpg-primary-only.gpg")), "accepted"),
        ("keyData/other", VALID, dict(keyData=fx.key_data("gpg-other.gpg")), "rejected"),
        ("wrong-key", VALID, dict(keyPath=other), "rejected"),
        ("signed-by-untrusted-key", "gpg-other-key-app-v1", dict(keyPath=primary), "rejected"),
        ("unsigned", "unsigned", dict(keyPath=primary), "rejected"),
        ("trusted-key/primary-signature", "gpg-trusted-primary-app-v1", dict(keyPath=trusted), "accepted"),
        ("trusted-key/subkey-signature", "gpg-trusted-subkey-app-v1", dict(keyPath=trusted), "rejected"),
        ("trusted-key/subkey-signature/keyData", "gpg-trusted-subkey-app-v1",
         dict(keyData=fx.key_data("gpg-trusted.asc")), "rejected"),
        ("expired-key", "gpg-expired-key-app-v1", dict(keyPath=fx.key("gpg-expired.gpg")), "rejected"),
        ("revoked-key", "gpg-revoked-key-app-v1", dict(keyPath=fx.key("gpg-revoked.gpg")), "rejected"),
        ("bad-then-good-signature", "gpg-other-then-valid-app-v1", dict(keyPath=primary), "accepted"),
        ("signature-gap", "gpg-gap-signature-2-only", dict(keyPath=primary), "rejected"),
        ("tampered-manifest", "gpg-tampered-manifest", dict(keyPath=primary), "rejected"),
        ("tampered-signature", "gpg-tampered-signature", dict(keyPath=primary), "rejected"),
        ("bad-signature-value", "gpg-bad-signature-value", dict(keyPath=fx.key("gpg-trusted.gpg")), "rejected"),
        ("payload-with-bom", "gpg-payload-with-bom", dict(keyPath=fx.key("gpg-trusted.gpg")), "rejected"),
        ("keyPath-missing-file", VALID, dict(keyPath=fx.key("no-such-key.gpg")), "rejected"),
        ("keyPath-not-a-key", VALID, dict(keyPath=fx.key("not-a-key.pub")), "rejected"),
        ("keyPaths-one-missing", VALID, dict(keyPaths=[primary, fx.key("no-such-key.gpg")]), "rejected"),
        ("keyPath-and-keyData-is-invalid", VALID, dict(keyPath=primary, keyData=fx.key_data("gpg-other.gpg")),
         "invalid"),
        ("no-key-is-invalid", VALID, dict(), "invalid"),
    ]
    cases = [Case("signedBy/" + name, image(img), policy(signed_by(app, **key)), expect)
             for name, img, key, expect in table]
    cases += [
        Case("signedBy/keyType-X509Certificates", image(VALID),
             policy(signed_by(app, key_type="X509Certificates", keyPath=primary)), "rejected"),
        Case("signedBy/keyType-unknown-is-invalid", image(VALID),
             policy(signed_by(app, key_type="PGP", keyPath=primary)), "invalid"),
        Case("signedBaseLayer/not-implemented", image(VALID),
             policy({"type": "signedBaseLayer", "baseLayerIdentity": match("matchExact")}), "rejected"),
    ]
    return cases


def scope_cases(paths):
    """dir: scopes are absolute clean paths; the most specific of the image's
    resolved path and its parents wins, then "", then default (DESIGN §3a.9)."""
    def dir_policy(scopes):
        return policy(REJECT, transports={"dir": scopes})
    app, link = "dir:" + paths["app"], "dir:" + paths["link"]
    return [
        Case("scope/exact-path", app, dir_policy({paths["app"]: [ACCEPT]}), "accepted"),
        Case("scope/parent-dir", app, dir_policy({paths["ns"]: [ACCEPT]}), "accepted"),
        Case("scope/grandparent-dir", app, dir_policy({paths["store"]: [ACCEPT]}), "accepted"),
        Case("scope/transport-wide-empty", app, dir_policy({"": [ACCEPT]}), "accepted"),
        Case("scope/default-only", app, policy(ACCEPT), "accepted"),
        Case("scope/exact-beats-parent", app, dir_policy({paths["app"]: [REJECT], paths["ns"]: [ACCEPT]}), "rejected"),
        Case("scope/parent-beats-empty", app, dir_policy({paths["ns"]: [REJECT], "": [ACCEPT]}), "rejected"),
        Case("scope/sibling-does-not-match", app, dir_policy({paths["sibling"]: [ACCEPT]}), "rejected"),
        Case("scope/name-prefix-is-not-parent", app, dir_policy({paths["ns"] + "-sib": [ACCEPT]}), "rejected"),
        Case("scope/other-transport-ignored", app,
             policy(REJECT, transports={"docker": {"": [ACCEPT]}}), "rejected"),
        Case("scope/unknown-transport-ignored", app,
             policy(ACCEPT, transports={"nonsense": {"x": [REJECT]}}), "accepted"),
        Case("scope/symlink-resolved-to-real-path", link, dir_policy({paths["app"]: [ACCEPT]}), "accepted"),
        Case("scope/symlink-path-not-a-scope", link, dir_policy({paths["link"]: [ACCEPT]}), "rejected"),
        Case("scope/symlinked-parent-resolved", "dir:" + os.path.join(paths["store-link"], "ns", "app"),
             dir_policy({paths["ns"]: [ACCEPT]}), "accepted"),
        Case("scope/symlinked-parent-not-a-scope", "dir:" + os.path.join(paths["store-link"], "ns", "app"),
             dir_policy({os.path.join(paths["store-link"], "ns"): [ACCEPT]}), "rejected"),
        # Relative image paths are resolved against the working directory (the scratch dir).
        Case("scope/relative-image-path", "dir:store/ns/app", dir_policy({paths["app"]: [ACCEPT]}), "accepted"),
        Case("scope/trailing-slash-in-image-path", app + "/", dir_policy({paths["app"]: [ACCEPT]}), "accepted"),
        Case("scope/dot-segments-in-image-path", "dir:" + paths["ns"] + "/../ns/./app",
             dir_policy({paths["app"]: [ACCEPT]}), "accepted"),
    ]


def valid_oddity_cases(fx):
    """Policies that look wrong but that c/image accepts."""
    valid, accept_json = "dir:" + fx.image(VALID), '[{"type":"insecureAcceptAnything"}]'
    docker_scopes = {scope: [ACCEPT] for scope in ("UPPER/x", "*.example.com/app", "example.com/app@sha256:abc", "")}
    raw = [
        ("escaped-key", '{"def\\u0061ult":%s}' % accept_json, "accepted"),
        ("docker-scopes-are-not-validated", policy(ACCEPT, transports={"docker": docker_scopes}), "accepted"),
        ("oci-scope-with-colon", policy(ACCEPT, transports={"oci": {"/x/y:tag": [REJECT]}}), "accepted"),
        ("empty-transport", policy(REJECT, transports={"dir": {}}), "rejected"),
        ("keyData-armored", policy(signed_by(exact_repository(APP_REPO),
                                              keyData=fx.key_data("gpg-primary-only.asc"))), "accepted"),
        ("keyPaths-armored-and-binary", policy(signed_by(exact_repository(APP_REPO), keyPaths=[
            fx.key("gpg-other.asc"), fx.key("gpg-primary-only.gpg")])), "accepted"),
    ]
    return [Case("valid/" + name, valid, text, expect) for name, text, expect in raw]


def and_cases(fx):
    primary = signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-primary-only.gpg"))
    other = signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-other.gpg"))
    valid, both = "dir:" + fx.image(VALID), "dir:" + fx.image("gpg-other-then-valid-app-v1")
    return [
        Case("and/signed-and-accept", valid, policy(primary, ACCEPT), "accepted"),
        Case("and/signed-and-reject", valid, policy(primary, REJECT), "rejected"),
        Case("and/two-keys-one-signature", valid, policy(primary, other), "rejected"),
        Case("and/two-keys-two-signatures", both, policy(primary, other), "accepted"),
    ]


def invalid_policy_cases(fx, paths):
    valid = "dir:" + fx.image(VALID)
    primary = fx.key("gpg-primary-only.gpg")
    accept_json = '[{"type":"insecureAcceptAnything"}]'
    bad_scopes = ["relative/path", paths["ns"] + "/", "/", paths["store"] + "/../store/ns",
                  paths["store"] + "//ns", paths["store"] + "/./ns"]
    cases = [Case("invalid/dir-scope %r" % scope, valid,
                  policy(ACCEPT, transports={"dir": {scope: [ACCEPT]}}), "invalid") for scope in bad_scopes]
    raw = [
        ("unknown-top-level-key", '{"default":%s,"bogus":1}' % accept_json),
        ("duplicate-key", '{"default":[{"type":"reject"}],"default":%s}' % accept_json),
        ("duplicate-key-in-requirement", '{"default":[{"type":"reject","type":"insecureAcceptAnything"}]}'),
        ("trailing-data", '{"default":%s} {}' % accept_json),
        ("not-json", "default: accept"),
        ("missing-default", '{"transports":{"dir":{"":%s}}}' % accept_json),
        ("empty-default", '{"default":[]}'),
        ("empty-scope-list", '{"default":%s,"transports":{"dir":{"":[]}}}' % accept_json),
        ("default-not-a-list", '{"default":{"type":"insecureAcceptAnything"}}'),
        ("unknown-requirement-type", '{"default":[{"type":"acceptIfSunny"}]}'),
        ("requirement-unknown-field", '{"default":[{"type":"insecureAcceptAnything","why":"x"}]}'),
        ("reject-unknown-field", '{"default":[{"type":"reject","keyPath":"/x"}]}'),
        ("signedIdentity-null", '{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"%s",'
                                '"signedIdentity":null}]}' % fx.key("gpg-primary-only.gpg")),
        ("transports-not-an-object", '{"default":%s,"transports":[]}' % accept_json),
        ("transports-null", '{"default":%s,"transports":null}' % accept_json),
        ("transport-null", '{"default":%s,"transports":{"dir":null}}' % accept_json),
        ("scope-null", '{"default":%s,"transports":{"dir":{"":null}}}' % accept_json),
        ("default-null", '{"default":null}'),
        ("duplicate-transport", '{"default":%s,"transports":{"dir":{},"dir":{}}}' % accept_json),
        ("duplicate-key-via-escape", '{"default":%s,"def\\u0061ult":%s}' % (accept_json, accept_json)),
        ("utf8-bom", "\ufeff" + '{"default":%s}' % accept_json),
        ("comment", '{"default":%s /* comment */}' % accept_json),
        ("top-level-array", "[]"),
        ("empty-file", ""),
        ("type-wrong-case", '{"default":[{"type":"InsecureAcceptAnything"}]}'),
        ("field-wrong-case", '{"default":[{"type":"signedBy","KeyType":"GPGKeys","keyPath":"%s"}]}' % primary),
        ("signedBy-without-keyType", '{"default":[{"type":"signedBy","keyPath":"%s"}]}' % primary),
        ("signedBy-empty-keyPath", '{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":""}]}'),
        ("signedBy-keyPath-number", '{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":1}]}'),
        ("signedBy-keyData-not-base64", '{"default":[{"type":"signedBy","keyType":"GPGKeys","keyData":"not base64!"}]}'),
        ("exactReference-without-dockerReference", '{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"%s",'
                                                   '"signedIdentity":{"type":"exactReference"}}]}' % primary),
        ("matchExact-with-extra-field", '{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"%s",'
                                        '"signedIdentity":{"type":"matchExact","dockerReference":"a/b:c"}}]}' % primary),
        ("remapIdentity-invalid-prefix", '{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"%s",'
                                         '"signedIdentity":{"type":"remapIdentity","prefix":"Invalid!",'
                                         '"signedPrefix":"example.com"}}]}' % primary),
        ("oci-relative-scope", '{"default":%s,"transports":{"oci":{"relative":%s}}}' % (accept_json, accept_json)),
    ]
    cases += [Case("invalid/" + name, valid, text, "invalid") for name, text in raw]
    return cases


def sigstore_cases(fx):
    """skopeo 1.9.3 cannot verify sigstore signatures, but it evaluates
    sigstoreSigned up to that point: no sigstore signature means rejected."""
    p256 = fx.key("ecdsa-p256.pub")
    app = exact_reference(APP_V1)
    return [
        Case("sigstoreSigned/gpg-signature-only", "dir:" + fx.image(VALID),
             policy(sigstore_signed(app, keyPath=p256)), "rejected"),
        Case("sigstoreSigned/unsigned", "dir:" + fx.image("unsigned"),
             policy(sigstore_signed(app, keyPath=p256)), "rejected"),
        Case("sigstoreSigned/keyPath-missing-file/unsigned", "dir:" + fx.image("unsigned"),
             policy(sigstore_signed(app, keyPath=fx.key("no-such-key.pub"))), "rejected"),
        Case("sigstoreSigned/keyPath-and-keyData-is-invalid", "dir:" + fx.image("unsigned"),
             policy(sigstore_signed(app, keyPath=p256, keyData=fx.key_data("ecdsa-p256.pub"))), "invalid"),
        Case("sigstoreSigned/no-key-is-invalid", "dir:" + fx.image("unsigned"),
             policy(sigstore_signed(app)), "invalid"),
    ]


def oci_cases(fx, paths):
    layout = fx.image("oci-unsigned")
    image = "oci:%s:v1" % layout
    linked = "oci:%s:v1" % paths["oci-link"]
    return [
        Case("oci/no-ref-single-image", "oci:" + layout, policy(ACCEPT), "accepted"),
        Case("oci/no-ref-two-manifests", "oci:" + fx.image("oci-cosign-other-then-valid"), policy(ACCEPT), "error"),
        Case("oci/symlink-resolved-to-real-path", linked, policy(REJECT, transports={"oci": {layout: [ACCEPT]}}),
             "accepted"),
        Case("oci/symlink-path-not-a-scope", linked,
             policy(REJECT, transports={"oci": {paths["oci-link"]: [ACCEPT]}}), "rejected"),
        Case("oci/insecureAcceptAnything", image, policy(ACCEPT), "accepted"),
        Case("oci/scope-layout-dir", image, policy(REJECT, transports={"oci": {layout: [ACCEPT]}}), "accepted"),
        Case("oci/scope-parent-dir", image,
             policy(REJECT, transports={"oci": {os.path.dirname(layout): [ACCEPT]}}), "accepted"),
        Case("oci/scope-with-tag-is-not-the-identity", image,
             policy(REJECT, transports={"oci": {layout + ":v1": [ACCEPT]}}), "rejected"),
        Case("oci/dir-scope-does-not-apply", image,
             policy(REJECT, transports={"dir": {layout: [ACCEPT]}}), "rejected"),
        Case("oci/signedBy-no-signatures", image,
             policy(signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-primary-only.gpg"))), "rejected"),
    ]


def unreadable_image_cases(fx, bad):
    """Images or signatures that cannot be read. skopeo reports a signature it
    cannot parse as "Source image rejected"; imgtrust exits 3 (see
    EXPECTED_DIFFERENCES)."""
    gpg = policy(signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-primary-only.gpg")))
    return [
        Case("unreadable/missing-image", "dir:" + fx.image("no-such-image"), gpg, "error"),
        Case("unreadable/missing-image-accept-anything", "dir:" + fx.image("no-such-image"), policy(ACCEPT), "error"),
        Case("unreadable/image-without-manifest", "dir:" + bad["no-manifest"], gpg, "error"),
        Case("unreadable/missing-oci-tag", "oci:%s:v2" % fx.image("oci-unsigned"), policy(ACCEPT), "error"),
        Case("unreadable/signature-in-unknown-format", "dir:" + bad["unknown-format"], gpg, "rejected"),
        Case("unreadable/sigstore-signature-not-json", "dir:" + bad["sigstore-not-json"], gpg, "rejected"),
        Case("unreadable/armored-signature", "dir:" + fx.image("gpg-armored-signature"),
             policy(signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-trusted.gpg"))), "rejected"),
    ]


def instance_digest(fx, image_dir, architecture):
    with open(os.path.join(image_dir, "manifest.json")) as f:
        index = json.load(f)
    return next(m["digest"] for m in index["manifests"] if m["platform"]["architecture"] == architecture)


def multiarch_cases(fx):
    """The policy is evaluated on the single-platform instance that is used,
    with that instance's signatures (<hex>.signature-N), never on the index."""
    signed = policy(signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-primary-only.gpg")))
    amd64 = ("--override-os", "linux", "--override-arch", "amd64")
    arm64 = ("--override-os", "linux", "--override-arch", "arm64")
    unsigned = fx.image("multiarch-unsigned")
    digests = {arch: instance_digest(fx, unsigned, arch) for arch in ("amd64", "arm64")}
    table = [
        ("unsigned/accept-anything", "multiarch-unsigned", policy(ACCEPT), amd64, "accepted"),
        ("unsigned/signedBy", "multiarch-unsigned", signed, amd64, "rejected"),
        ("index-signature-only", "multiarch-index-signed", signed, amd64, "rejected"),
        ("amd64-signed/amd64", "multiarch-amd64-signed", signed, amd64, "accepted"),
        ("amd64-signed/arm64", "multiarch-amd64-signed", signed, arm64, "rejected"),
        ("arm64-signed/arm64", "multiarch-arm64-signed", signed, arm64, "accepted"),
        ("arm64-signed/amd64", "multiarch-arm64-signed", signed, amd64, "rejected"),
    ]
    cases = [Case("multiarch/" + name, "dir:" + fx.image(image), pol, expect, options, digests[options[-1]])
             for name, image, pol, options, expect in table]
    cases.append(Case("multiarch/no-such-platform", "dir:" + unsigned, policy(ACCEPT), "error",
                      ("--override-os", "linux", "--override-arch", "s390x")))
    return cases


def build_cases(fixtures, scratch):
    paths = prepare_scope_tree(fixtures, scratch)
    bad = prepare_bad_images(fixtures, scratch)
    return (simple_requirement_cases(fixtures) + identity_cases(fixtures) + key_cases(fixtures)
            + scope_cases(paths) + and_cases(fixtures) + valid_oddity_cases(fixtures) + invalid_policy_cases(fixtures, paths)
            + sigstore_cases(fixtures) + oci_cases(fixtures, paths) + unreadable_image_cases(fixtures, bad)
            + multiarch_cases(fixtures))
