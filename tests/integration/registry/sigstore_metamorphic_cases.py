"""Subjects and cases of the sigstore metamorphic suite (sigstore_metamorphic.py).

Every subject is tests/fixtures/images/unsigned (or multiarch-unsigned) pushed to its
own repository H/<subject>/app:v1, with a sha256-<hex>.sig attachment holding:
  good          ecdsa-p256, identity H/good/app:v1
  rsa, ed25519  rsa-2048 / ed25519 keys, identity H/<subject>/app:v1
  other-key     other-ecdsa-p256
  tampered-payload, tampered-signature   one bit flipped after signing
  other-digest  a valid signature whose payload names another manifest digest
  several       other key, tampered, then good (three layers)
  all-bad       other key, then tampered
  repo-only     identity H/repo-only/app (no tag, as `cosign sign` writes it)
  wrong-type    critical.type "atomic container signature"
  not-signature a layer of another media type only
  no-annotation the payload layer without the signature annotation
  unsigned      no attachment
  upstream      good signature for H/upstream/app:v1; `mirror` is skopeo's copy of it
                (attachment included): the mirrored identity
  multi         a two-platform index (copy --all); amd64 instance signed, arm64 not
  multi-index   the same index, only the index digest signed
  multi-all     the same index, the index and every instance signed
  multi-none    the same index, no attachment at all
Multi-arch cases choose the instance with --override-arch or check every instance
with --all (the dir: copy is then `skopeo copy --all`, each instance's attachment
becoming its <digest>.signature-N files). --require-signed cases check that a
policy that verifies no signature rejects on both paths.
"""
import collections
import json

import publish
import registry_common as rc

common = rc.common
Case = collections.namedtuple("Case", "name image policy expect options copy_all signature_count")

KEY, PUB = publish.fixture_key("ecdsa-p256.key"), publish.fixture_key("ecdsa-p256.pub")
OTHER_KEY, OTHER_PUB = publish.fixture_key("other-ecdsa-p256.key"), publish.fixture_key("other-ecdsa-p256.pub")


def _sign(world, subject, digest, key=KEY, pub=PUB, identity=None, tamper=None, signed_digest=None, kind=None):
    reference = identity or world.name(subject + "/app", "v1")
    return publish.sigstore_push.make_signature(reference, signed_digest or digest, key, pub, tamper, kind)


def publish_subjects(world):
    unsigned = "dir:" + publish.fixture_image("unsigned")
    subjects = ["good", "rsa", "ed25519", "other-key", "tampered-payload", "tampered-signature", "other-digest",
                "several", "all-bad", "repo-only", "wrong-type", "not-signature", "no-annotation", "unsigned",
                "upstream"]
    for subject in subjects:
        publish.skopeo_copy(unsigned, "docker://%s/%s/app:v1" % (world.host, subject))
    digest, _ = publish.manifest_digest(world.registry, "good/app", "v1")
    world.digest = digest
    another = "sha256:" + "0123456789abcdef" * 4
    bad_layer = publish.sigstore_push.Signature(b'{"not":"a signature"}', "", media_type="application/json",
                                                with_signature_annotation=False)
    unannotated = _sign(world, "no-annotation", digest)
    unannotated.annotations = {}
    attachments = {
        "good": [_sign(world, "good", digest)],
        "rsa": [_sign(world, "rsa", digest, publish.fixture_key("rsa-2048.key"), publish.fixture_key("rsa-2048.pub"))],
        "ed25519": [_sign(world, "ed25519", digest, publish.fixture_key("ed25519.key"),
                          publish.fixture_key("ed25519.pub"))],
        "other-key": [_sign(world, "other-key", digest, OTHER_KEY, OTHER_PUB)],
        "tampered-payload": [_sign(world, "tampered-payload", digest, tamper="payload")],
        "tampered-signature": [_sign(world, "tampered-signature", digest, tamper="signature")],
        "other-digest": [_sign(world, "other-digest", digest, signed_digest=another)],
        "several": [_sign(world, "several", digest, OTHER_KEY, OTHER_PUB),
                    _sign(world, "several", digest, tamper="signature"), _sign(world, "several", digest)],
        "all-bad": [_sign(world, "all-bad", digest, OTHER_KEY, OTHER_PUB),
                    _sign(world, "all-bad", digest, tamper="payload")],
        "repo-only": [_sign(world, "repo-only", digest, identity=world.name("repo-only/app"))],
        "wrong-type": [_sign(world, "wrong-type", digest, kind="atomic container signature")],
        "not-signature": [bad_layer],
        "no-annotation": [unannotated],
        "upstream": [_sign(world, "upstream", digest)],
    }
    for subject, signatures in attachments.items():
        publish.push_sigstore(world.registry, subject + "/app", digest, signatures)
    publish.skopeo_copy("docker://%s/upstream/app:v1" % world.host, "docker://%s/mirror/app:v1" % world.host,
                        registries_d=world.registries_d, extra=["--src-tls-verify=false"])
    publish_multiarch(world)


def publish_multiarch(world):
    source = "dir:" + publish.fixture_image("multiarch-unsigned")
    for subject in ("multi", "multi-index", "multi-all", "multi-none"):
        publish.skopeo_copy(source, "docker://%s/%s/app:v1" % (world.host, subject), copy_all=True)
    index_digest, raw_index = publish.manifest_digest(world.registry, "multi/app", "v1")
    instances = {m["platform"]["architecture"]: m["digest"] for m in json.loads(raw_index)["manifests"]}
    amd64 = instances["amd64"]
    publish.push_sigstore(world.registry, "multi/app", amd64, [_sign(world, "multi", amd64)])
    publish.push_sigstore(world.registry, "multi-index/app", index_digest, [_sign(world, "multi-index", index_digest)])
    for digest in [index_digest] + sorted(instances.values()):
        publish.push_sigstore(world.registry, "multi-all/app", digest, [_sign(world, "multi-all", digest)])


def sigstore(identity=None, pub=PUB, **source):
    if not source:
        source = {"keyPath": pub}
    return common.sigstore_signed(identity, **source)


def single_image_cases(w):
    repo = lambda subject: common.exact_repository(w.name(subject + "/app"))  # noqa: E731
    return [
        ("good/exactReference", "good", sigstore(common.exact_reference(w.name("good/app", "v1"))), "accepted", 1),
        ("good/exactRepository", "good", sigstore(repo("good")), "accepted", 1),
        ("good/exactReference-other-tag", "good", sigstore(common.exact_reference(w.name("good/app", "v2"))),
         "rejected", 1),
        ("good/exactRepository-other-repository", "good", sigstore(repo("other")), "rejected", 1),
        ("good/untrusted-key", "good", sigstore(repo("good"), OTHER_PUB), "rejected", 1),
        ("good/keyPaths-second-trusted", "good", sigstore(repo("good"), keyPaths=[OTHER_PUB, PUB]), "accepted", 1),
        ("good/insecureAcceptAnything", "good", common.ACCEPT, "accepted", 1),
        ("good/reject", "good", common.REJECT, "rejected", 1),
        ("good/signedBy-ignores-sigstore", "good",
         common.signed_by(repo("good"), keyPath=rc.gpg_key("gpg-primary-only.gpg")), "rejected", 1),
        ("rsa/exactRepository", "rsa", sigstore(repo("rsa"), publish.fixture_key("rsa-2048.pub")), "accepted", 1),
        ("ed25519/exactRepository", "ed25519", sigstore(repo("ed25519"), publish.fixture_key("ed25519.pub")),
         "accepted", 1),
        ("other-key/trusted-key", "other-key", sigstore(repo("other-key")), "rejected", 1),
        ("other-key/its-key", "other-key", sigstore(repo("other-key"), OTHER_PUB), "accepted", 1),
        ("tampered/payload", "tampered-payload", sigstore(repo("tampered-payload")), "rejected", 1),
        ("tampered/payload/default-identity", "tampered-payload", sigstore(), "rejected", 1),
        ("tampered/signature", "tampered-signature", sigstore(repo("tampered-signature")), "rejected", 1),
        ("other-digest", "other-digest", sigstore(repo("other-digest")), "rejected", 1),
        ("several/one-good", "several", sigstore(repo("several")), "accepted", 3),
        ("several/none-for-other-repository", "several", sigstore(repo("good")), "rejected", 3),
        ("all-bad", "all-bad", sigstore(repo("all-bad")), "rejected", 2),
        ("repo-only/exactRepository", "repo-only", sigstore(repo("repo-only")), "accepted", 1),
        ("repo-only/exactReference", "repo-only", sigstore(common.exact_reference(w.name("repo-only/app", "v1"))),
         "rejected", 1),
        ("wrong-type", "wrong-type", sigstore(repo("wrong-type")), "rejected", 1),
        ("not-signature-layer", "not-signature", sigstore(repo("not-signature")), "rejected", None),
        ("no-signature-annotation", "no-annotation", sigstore(repo("no-annotation")), "rejected", None),
        ("unsigned", "unsigned", sigstore(repo("unsigned")), "rejected", 0),
        ("unsigned/insecureAcceptAnything", "unsigned", common.ACCEPT, "accepted", 0),
        ("mirror/exactRepository-upstream", "mirror", sigstore(repo("upstream")), "accepted", 1),
        ("mirror/exactReference-mirror", "mirror", sigstore(common.exact_reference(w.name("mirror/app", "v1"))),
         "rejected", 1),
    ]


def multiarch_cases(w):
    multi, index_only = common.exact_repository(w.name("multi/app")), common.exact_repository(w.name("multi-index/app"))
    arm64 = ["--override-arch", "arm64"]
    return [
        Case("multiarch/amd64-instance-signed", w.ref("multi/app"), common.policy(sigstore(multi)), "accepted",
             ["--override-arch", "amd64"], True, None),
        Case("multiarch/arm64-instance-unsigned", w.ref("multi/app"), common.policy(sigstore(multi)), "rejected",
             arm64, True, None),
        Case("multiarch/only-index-signed", w.ref("multi-index/app"), common.policy(sigstore(index_only)), "rejected",
             ["--override-arch", "amd64"], True, None),
        Case("multiarch/only-index-signed/insecureAcceptAnything", w.ref("multi-index/app"),
             common.policy(common.ACCEPT), "accepted", arm64, True, None),
    ]


def multiarch_all_cases(w):
    """--all: every instance must be accepted; the index's attachment never counts."""
    repo = lambda subject: common.policy(sigstore(common.exact_repository(w.name(subject + "/app"))))  # noqa: E731
    every, arm64 = ["--all"], ["--override-arch", "arm64"]
    return [
        Case("multiarch/all/some-instances-signed", w.ref("multi/app"), repo("multi"), "rejected", every, True, None),
        Case("multiarch/all/only-index-signed", w.ref("multi-index/app"), repo("multi-index"), "rejected", every,
             True, None),
        Case("multiarch/all/index-and-every-instance-signed", w.ref("multi-all/app"), repo("multi-all"), "accepted",
             every, True, None),
        Case("multiarch/all/index-and-every-instance-signed/untrusted-key", w.ref("multi-all/app"),
             common.policy(sigstore(common.exact_repository(w.name("multi-all/app")), OTHER_PUB)), "rejected", every,
             True, None),
        Case("multiarch/every-instance-signed/arm64", w.ref("multi-all/app"), repo("multi-all"), "accepted", arm64,
             True, None),
        Case("multiarch/all/none-signed", w.ref("multi-none/app"), repo("multi-none"), "rejected", every, True, None),
        Case("multiarch/all/none-signed/insecureAcceptAnything", w.ref("multi-none/app"), common.policy(common.ACCEPT),
             "accepted", every, True, None),
        Case("multiarch/all/none-signed/insecureAcceptAnything/require-signed", w.ref("multi-none/app"),
             common.policy(common.ACCEPT), "rejected", every + ["--require-signed"], True, None),
        Case("multiarch/all/every-instance-signed/require-signed", w.ref("multi-all/app"), repo("multi-all"),
             "accepted", every + ["--require-signed"], True, None),
    ]


def require_signed_cases(w):
    good = common.policy(sigstore(common.exact_repository(w.name("good/app"))))
    insecure_then_good = common.policy(common.ACCEPT, sigstore(common.exact_repository(w.name("good/app"))))
    return [
        Case("require-signed/sigstoreSigned", w.ref("good/app"), good, "accepted", ["--require-signed"], False, 1),
        Case("require-signed/insecureAcceptAnything", w.ref("good/app"), common.policy(common.ACCEPT), "rejected",
             ["--require-signed"], False, 1),
        Case("require-signed/insecureAcceptAnything-then-sigstoreSigned", w.ref("good/app"), insecure_then_good,
             "accepted", ["--require-signed"], False, 1),
        Case("require-signed/unsigned-insecureAcceptAnything-then-sigstoreSigned", w.ref("unsigned/app"),
             insecure_then_good, "rejected", ["--require-signed"], False, 0),
    ]


def build_cases(w):
    cases = []
    for name, subject, requirement, expect, count in single_image_cases(w):
        cases.append(Case(name, w.ref(subject + "/app"), common.policy(requirement), expect, [], False, count))
    digest_ref = w.ref("good/app", w.digest)
    cases.append(Case("good/digest-reference", digest_ref, common.policy(sigstore(common.exact_repository(
        w.name("good/app")))), "accepted", [], False, 1))
    return cases + multiarch_cases(w) + multiarch_all_cases(w) + require_signed_cases(w)
