"""Cases of the docker:// GPG differential suite (gpg_differential.py).

Images (all pushed by skopeo to one plain registry H; signatures in the lookaside):
  signed/app:v1    signed by gpg-primary-only, identity H/signed/app:v1
  signed/app:v2    the same manifest, tag pushed unsigned (so it has v1's signature)
  other/app:v1     signed by gpg-other
  subkey/app:v1    signed by gpg-trusted, which signs with its subkey
  unsigned/app:v1  no signature
  upstream/app:v1  signed by gpg-primary-only; mirror/app:v1 is its copy, signature
                   included (identity still H/upstream/app:v1: the mirrored case)
  twosig/app:v1    copy of other/app:v1 (its gpg-other signature) plus a
                   gpg-primary-only signature for H/twosig/app:v1
  tampered/app:v1  signed, then one bit of signature-1 flipped
  swapped/app:v1   a different manifest (v2s2) carrying signed/app's signature
  multi/app:v1     a two-platform index, `copy --all --sign-by` (signs the index and
                   each instance)
  multi-gap/app:v1 the same, then the linux/amd64 instance's signature removed
  multi-inst/app:v1  the index pushed unsigned (copy --all), then only the arm64
                   instance signed by digest (`copy --sign-by …@sha256:I …@sha256:I`:
                   the signed identity is that digest reference); digest key MI
  multi-each/app:v1  the same with both instances signed by digest; digest key ME
Multi-arch cases choose the instance with --override-arch, or check every
instance with --all (`skopeo copy --all` checks each one), on both sides.
"""
import base64
import collections

import registry_common as rc

common = rc.common
Case = collections.namedtuple("Case", "name image policy registries_d expect options")

PRIMARY = "gpg-primary-only.gpg"


def signed_by(key=PRIMARY, identity=None, **source):
    if not source:
        source = {"keyPath": rc.gpg_key(key)}
    return common.signed_by(identity, **source)


def identity_cases(w):
    D = w.digests["D"]
    return [
        ("identity/matchRepoDigestOrExact/tag", w.ref("signed/app"), signed_by(), "accepted"),
        ("identity/matchRepoDigestOrExact/digest", w.ref("signed/app", D), signed_by(), "accepted"),
        ("identity/matchRepoDigestOrExact/other-tag", w.ref("signed/app", "v2"), signed_by(), "rejected"),
        ("identity/matchExact/tag", w.ref("signed/app"), signed_by(identity=common.match("matchExact")), "accepted"),
        ("identity/matchExact/digest", w.ref("signed/app", D), signed_by(identity=common.match("matchExact")),
         "rejected"),
        ("identity/matchRepository/other-tag", w.ref("signed/app", "v2"),
         signed_by(identity=common.match("matchRepository")), "accepted"),
        ("identity/exactReference/signed-value", w.ref("signed/app", "v2"),
         signed_by(identity=common.exact_reference(w.name("signed/app", "v1"))), "accepted"),
        ("identity/exactReference/other-value", w.ref("signed/app"),
         signed_by(identity=common.exact_reference(w.name("signed/app", "v2"))), "rejected"),
        ("identity/exactRepository/signed-repository", w.ref("signed/app", "v2"),
         signed_by(identity=common.exact_repository(w.name("signed/app"))), "accepted"),
        ("identity/exactRepository/other-repository", w.ref("signed/app"),
         signed_by(identity=common.exact_repository(w.name("other/app"))), "rejected"),
        ("mirror/matchRepoDigestOrExact", w.ref("mirror/app"), signed_by(), "rejected"),
        ("mirror/matchRepository", w.ref("mirror/app"), signed_by(identity=common.match("matchRepository")),
         "rejected"),
        ("mirror/exactRepository", w.ref("mirror/app"),
         signed_by(identity=common.exact_repository(w.name("upstream/app"))), "accepted"),
        ("mirror/remapIdentity/tag", w.ref("mirror/app"),
         signed_by(identity=common.remap_identity(w.name("mirror"), w.name("upstream"))), "accepted"),
        ("mirror/remapIdentity/digest", w.ref("mirror/app", D),
         signed_by(identity=common.remap_identity(w.name("mirror"), w.name("upstream"))), "accepted"),
        ("mirror/remapIdentity/prefix-not-matching", w.ref("mirror/app"),
         signed_by(identity=common.remap_identity(w.name("elsewhere"), w.name("upstream"))), "rejected"),
    ]


def key_cases(w):
    return [
        ("key/other-key", w.ref("signed/app"), signed_by("gpg-other.gpg"), "rejected"),
        ("key/other-key-on-its-image", w.ref("other/app"), signed_by("gpg-other.gpg"), "accepted"),
        ("key/keyPaths-second-matches", w.ref("signed/app"),
         signed_by(keyPaths=[rc.gpg_key("gpg-other.gpg"), rc.gpg_key(PRIMARY)]), "accepted"),
        ("key/keyData", w.ref("signed/app"), signed_by(keyData=_key_data(PRIMARY)), "accepted"),
        ("key/subkey-signature", w.ref("subkey/app"), signed_by("gpg-trusted.gpg"), "rejected"),
        ("key/two-signatures-one-good", w.ref("twosig/app"), signed_by(), "accepted"),
        ("key/two-signatures-other-identity", w.ref("twosig/app"), signed_by("gpg-other.gpg"), "rejected"),
        ("key/two-signatures-other-exactRepository", w.ref("twosig/app"),
         signed_by("gpg-other.gpg", identity=common.exact_repository(w.name("other/app"))), "accepted"),
        ("key/unsigned", w.ref("unsigned/app"), signed_by(), "rejected"),
    ]


def _key_data(name):
    with open(rc.gpg_key(name), "rb") as key_file:
        return base64.b64encode(key_file.read()).decode()


def lookaside_cases(w):
    D = w.digests["D"]
    remap = common.remap_identity(w.name("mirror"), w.name("upstream"))
    return [
        ("lookaside/http/tag", w.ref("signed/app"), signed_by(), "accepted", "http"),
        ("lookaside/http/digest", w.ref("signed/app", D), signed_by(), "accepted", "http"),
        ("lookaside/http/mirror-remapIdentity", w.ref("mirror/app"), signed_by(identity=remap), "accepted", "http"),
        ("lookaside/http/tampered", w.ref("tampered/app"), signed_by(), "rejected", "http"),
        ("lookaside/http/unsigned", w.ref("unsigned/app"), signed_by(), "rejected", "http"),
        ("lookaside/scope-repository", w.ref("signed/app"), signed_by(), "accepted", "repo-scope"),
        ("lookaside/scope-namespace", w.ref("signed/app"), signed_by(), "accepted", "namespace-scope"),
        ("lookaside/scope-namespace-other-repository", w.ref("other/app"), signed_by("gpg-other.gpg"),
         "rejected", "namespace-scope"),
        ("lookaside/default-docker", w.ref("signed/app"), signed_by(), "accepted", "default-docker"),
        ("lookaside/unrelated-scope", w.ref("signed/app"), signed_by(), "rejected", "unrelated-scope"),
        ("lookaside/no-registries-d-entry", w.ref("signed/app"), signed_by(), "rejected", "empty"),
    ]


def scope_cases(w):
    host, repo = w.name(""), w.name("signed/app")
    host = host.rstrip("/")
    good, reject, accept = [signed_by()], [common.REJECT], [common.ACCEPT]
    return [
        ("scope/repository", w.ref("signed/app"), rc.docker_policy({repo: good, host: reject}), "accepted"),
        ("scope/full-reference-wins", w.ref("signed/app"),
         rc.docker_policy({repo + ":v1": reject, repo: good}), "rejected"),
        ("scope/full-reference-other-tag", w.ref("signed/app", "v2"),
         rc.docker_policy({repo + ":v1": reject, repo: [signed_by(identity=common.match("matchRepository"))]}),
         "accepted"),
        ("scope/namespace", w.ref("signed/app"), rc.docker_policy({w.name("signed"): good, "": reject}), "accepted"),
        ("scope/host", w.ref("signed/app"), rc.docker_policy({host: good}), "accepted"),
        ("scope/namespace-beats-host", w.ref("signed/app"),
         rc.docker_policy({host: reject, w.name("signed"): good}), "accepted"),
        ("scope/wildcard", w.ref("signed/app"), rc.docker_policy({"*.0.0.1": good}), "accepted"),
        ("scope/wildcard-most-specific", w.ref("signed/app"),
         rc.docker_policy({"*.1": reject, "*.0.0.1": good}), "accepted"),
        ("scope/host-beats-wildcard", w.ref("signed/app"),
         rc.docker_policy({"*.0.0.1": accept, host: reject}), "rejected"),
        ("scope/wildcard-not-matching", w.ref("unsigned/app"),
         rc.docker_policy({"*.example.com": accept, "": good}), "rejected"),
        ("scope/transport-default", w.ref("signed/app"), rc.docker_policy({"": good}), "accepted"),
        ("scope/policy-default", w.ref("signed/app"), common.policy(signed_by()), "accepted"),
        ("scope/insecureAcceptAnything-unsigned", w.ref("unsigned/app"), rc.docker_policy({host: accept}),
         "accepted"),
        ("scope/other-transport-ignored", w.ref("signed/app"),
         common.policy(common.REJECT, transports={"dir": {"": accept}}), "rejected"),
    ]


def tamper_cases(w):
    return [
        ("tamper/signature-bit-flipped", w.ref("tampered/app"), signed_by(), "rejected"),
        ("tamper/signature-for-another-manifest", w.ref("swapped/app"),
         signed_by(identity=common.exact_reference(w.name("signed/app", "v1"))), "rejected"),
        ("tamper/signature-for-another-manifest/insecure", w.ref("swapped/app"),
         rc.docker_policy({"": [common.ACCEPT]}), "accepted"),
        ("multiarch/copy-all-sign-by", w.ref("multi/app"), signed_by(), "accepted"),
        ("multiarch/copy-all-sign-by/arm64", w.ref("multi/app"), signed_by(), "accepted", "file",
         ["--override-arch", "arm64"]),
        ("multiarch/index-signed-instance-not", w.ref("multi-gap/app"), signed_by(), "rejected"),
        ("multiarch/index-signed-other-instance-signed/arm64", w.ref("multi-gap/app"), signed_by(), "accepted",
         "file", ["--override-arch", "arm64"]),
        ("multiarch/insecureAcceptAnything", w.ref("multi/app"), rc.docker_policy({"": [common.ACCEPT]}),
         "accepted"),
    ]


def multiarch_all_cases(w):
    """--all (every instance must be accepted) and instances signed by digest."""
    repository = common.match("matchRepository")
    all_instances, arm64, amd64 = ["--all"], ["--override-arch", "arm64"], ["--override-arch", "amd64"]
    accept = rc.docker_policy({"": [common.ACCEPT]})
    return [
        ("multiarch/all/copy-all-sign-by", w.ref("multi/app"), signed_by(), "accepted", "file", all_instances),
        ("multiarch/all/one-instance-unsigned", w.ref("multi-gap/app"), signed_by(), "rejected", "file",
         all_instances),
        ("multiarch/all/one-instance-unsigned/insecureAcceptAnything", w.ref("multi-gap/app"), accept, "accepted",
         "file", all_instances),
        ("multiarch/all/other-key", w.ref("multi/app"), signed_by("gpg-other.gpg"), "rejected", "file",
         all_instances),
        ("multiarch/by-digest/arm64/tag-reference", w.ref("multi-inst/app"), signed_by(), "rejected", "file", arm64),
        ("multiarch/by-digest/arm64/matchRepository", w.ref("multi-inst/app"), signed_by(identity=repository),
         "accepted", "file", arm64),
        ("multiarch/by-digest/arm64/index-digest-reference", w.ref("multi-inst/app", "MI"), signed_by(), "accepted",
         "file", arm64),
        ("multiarch/by-digest/amd64-unsigned", w.ref("multi-inst/app"), signed_by(identity=repository), "rejected",
         "file", amd64),
        ("multiarch/by-digest/all-one-signed", w.ref("multi-inst/app"), signed_by(identity=repository), "rejected",
         "file", all_instances),
        ("multiarch/by-digest/all-each-signed", w.ref("multi-each/app"), signed_by(identity=repository), "accepted",
         "file", all_instances),
        ("multiarch/by-digest/all-each-signed/index-digest-reference", w.ref("multi-each/app", "ME"), signed_by(),
         "accepted", "file", all_instances),
        ("multiarch/by-digest/all-each-signed/tag-reference", w.ref("multi-each/app"), signed_by(), "rejected",
         "file", all_instances),
        ("multiarch/by-digest/all-each-signed/http", w.ref("multi-each/app", "ME"), signed_by(), "accepted", "http",
         all_instances),
    ]


def build_cases(w):
    cases = []
    for name, image, requirement_or_policy, expect, *layout in (identity_cases(w) + key_cases(w) +
                                                                lookaside_cases(w) + scope_cases(w) +
                                                                tamper_cases(w) + multiarch_all_cases(w)):
        if "default" in requirement_or_policy:
            policy = requirement_or_policy
        else:
            policy = rc.docker_policy({"": [requirement_or_policy]})
        registries_d = layout[0] if layout else "file"
        options = layout[1] if len(layout) > 1 else []
        cases.append(Case(name, image, policy, registries_d, expect, options))
    return cases
