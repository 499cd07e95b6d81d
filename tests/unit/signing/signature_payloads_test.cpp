// The payloads imgtrust signs, against hand-written expectations from cosign's
// and c/image's formats, and the bundle against this repo's verifiers.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "bundle_layout_image.hpp"
#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"
#include "signature/public_key.hpp"
#include "signature/rejection.hpp"
#include "signature/sigstore_payload.hpp"
#include "signing/signature_payloads.hpp"
#include "signing/signing_key.hpp"
#include "sigstore/bundle_verifier.hpp"
#include "sigstore/trust_material.hpp"
#include "util/bytes.hpp"

using namespace imgtrust;

namespace {

const util::Digest manifest_digest = *util::Digest::parse("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

signing::SigningKey fixture_key(const std::string& name) {
    return signing::SigningKey::load(read_fixture("keys/" + name + ".key"), {}, name);
}

}  // namespace

TEST_CASE("make_cosign_payload is cosign's simple-signing JSON, byte for byte") {
    // sigstore/cosign specs/SIGNATURE_SPEC.md and pkg/payload: Go's json.Marshal of
    // SimpleContainerImage (critical.identity, critical.image, critical.type; optional null).
    CHECK(signing::make_cosign_payload("registry.example/app/web", manifest_digest) ==
          R"({"critical":{"identity":{"docker-reference":"registry.example/app/web"},"image":{"docker-manifest-digest":)"
          R"("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},"type":"cosign container image signature"},)"
          R"("optional":null})");
    CHECK_THROWS_AS(signing::make_cosign_payload("", manifest_digest), ConfigError);
}

TEST_CASE("the cosign payload signed with sign_sha256 is accepted by the sigstoreSigned payload verifier") {
    for (const char* name : {"ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-2048"}) {
        signing::SigningKey key = fixture_key(name);
        std::string payload = signing::make_cosign_payload("registry.example/app/web", manifest_digest);
        std::string signature = util::base64_encode(key.sign_sha256(payload));
        auto keys = signature::load_public_keys_pem(key.public_key_pem(), name);
        std::string seen_digest, seen_reference;
        signature::PayloadAcceptanceRules rules{[&](const std::string& d) { seen_digest = d; },
                                                [&](const std::string& r) { seen_reference = r; }};
        signature::verify_sigstore_payload(keys, payload, signature, rules);
        CHECK(seen_digest == manifest_digest.string());
        CHECK(seen_reference == "registry.example/app/web");
    }
}

TEST_CASE("make_atomic_payload is c/image's atomic container signature with sorted optional fields") {
    CHECK(signing::make_atomic_payload("docker.io/library/busybox:latest", manifest_digest, 1700000000) ==
          R"({"critical":{"identity":{"docker-reference":"docker.io/library/busybox:latest"},"image":{"docker-manifest-digest":)"
          R"("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},"type":"atomic container signature"},)"
          R"("optional":{"creator":"imgtrust","timestamp":1700000000}})");
}

TEST_CASE("make_cosign_sign_statement: an in-toto v1 statement with cosign v3's sign predicate") {
    CHECK(signing::make_cosign_sign_statement("registry.example/app/web", manifest_digest) ==
          R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"registry.example/app/web","digest":)"
          R"({"sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}],)"
          R"("predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}})");
}

TEST_CASE("make_image_bundle verifies with sigstore::verify_bundle under the key, offline") {
    for (const char* name : {"ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-2048"}) {
        SECTION(name) {
            signing::SigningKey key = fixture_key(name);
            std::string bundle = signing::make_image_bundle(key, "registry.example/app/web", manifest_digest);
            sigstore::TrustedRoot root;
            sigstore::BundleVerificationOptions options;
            options.trusted_root = &root;
            options.trusted_keys = signature::load_public_keys_pem(key.public_key_pem(), name);
            options.tlog_threshold = 0;
            options.observer_timestamp_threshold = 0;
            sigstore::VerifiedBundle verified =
                sigstore::verify_bundle(bundle, sigstore::ArtifactExpectation::of_digest(manifest_digest), options);
            CHECK(verified.content_kind == sigstore::ContentKind::dsse_envelope);
            CHECK(verified.payload_type == "application/vnd.in-toto+json");
            CHECK(verified.predicate_type == "https://sigstore.dev/cosign/sign/v1");
            REQUIRE(verified.subjects.size() == 1);
            CHECK(verified.subjects.front().digests.front() == manifest_digest);
            CHECK(verified.signing_key.fingerprint() == options.trusted_keys.front().fingerprint());
            // Another key does not verify it.
            options.trusted_keys = signature::load_public_keys_pem(read_fixture("keys/other-ecdsa-p256.pub"), "other");
            CHECK_THROWS_AS(sigstore::verify_bundle(bundle, sigstore::ArtifactExpectation::of_digest(manifest_digest), options),
                            signature::SignatureRejected);
        }
    }
}

TEST_CASE("make_image_bundle is accepted by a sigstoreSigned keyPath policy under matchDigestOnly") {
    signing::SigningKey key = fixture_key("ecdsa-p256");
    const std::string manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"})";
    util::Digest digest = util::Digest::of(util::DigestAlgorithm::sha256, manifest);
    std::string bundle = signing::make_image_bundle(key, "registry.example/app/web", digest);
    auto policy_for = [](const std::string& identity) {
        return R"({"default": [{"type": "sigstoreSigned", "keyPath": ")" + fixture_path("keys/ecdsa-p256.pub") +
               R"(", "signedIdentity": )" + identity + "}]}";
    };
    PolicyContext digest_only(parse_policy(policy_for(R"({"type": "matchDigestOnly"})"), "inline"));
    BundleSource source(manifest, bundle);
    Verdict accepted = digest_only.evaluate(LayoutReference(), source);
    INFO(accepted.requirements.front().reason);
    CHECK(accepted.allowed);
    // A bundle for another manifest is rejected.
    BundleSource other(manifest + " ", bundle);
    CHECK_FALSE(digest_only.evaluate(LayoutReference(), other).allowed);
    // Under a c/image identity a bundle names no image.
    PolicyContext exact(parse_policy(policy_for(R"({"type": "matchRepoDigestOrExact"})"), "inline"));
    CHECK_FALSE(exact.evaluate(LayoutReference(), source).allowed);
}
