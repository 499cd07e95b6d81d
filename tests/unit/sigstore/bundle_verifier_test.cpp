// verify_bundle, the API the policy layer calls, on sigstore-conformance
// bundles: what a verified bundle reports (content kind, key, certificate,
// DSSE payload and in-toto subjects, time sources) and how options change the verdict.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "signature/rejection.hpp"
#include "sigstore/bundle_verifier.hpp"
#include "sigstore/public_good_root.hpp"
#include "sigstore/trusted_root.hpp"
#include "util/bytes.hpp"

using imgtrust::signature::SignatureRejected;
using namespace imgtrust::sigstore;

namespace {

std::string conformance_file(const std::string& relative) {
    auto text = imgtrust::util::read_file_bounded(fixture_path("../conformance/" + relative), 4 * 1024 * 1024, "conformance file");
    REQUIRE(text);
    return *text;
}

std::string bundle_of(const std::string& name) { return conformance_file("bundle-verify/" + name + "/bundle.sigstore.json"); }

ArtifactExpectation a_txt() { return ArtifactExpectation::of_bytes(conformance_file("a.txt")); }

BundleVerificationOptions certificate_options(const TrustedRoot& root, int* identity_calls = nullptr) {
    BundleVerificationOptions options;
    options.trusted_root = &root;
    options.now = 1764892800;  // 2025-12-05T00:00:00Z
    options.check_identity = [identity_calls](const imgtrust::signature::Certificate&) {
        if (identity_calls) ++*identity_calls;
    };
    return options;
}

}  // namespace

TEST_CASE("verify_bundle: a v0.3 message signature logged in Rekor v1") {
    int identity_calls = 0;
    auto options = certificate_options(public_good_trusted_root(), &identity_calls);
    for (const auto& artifact : {a_txt(), ArtifactExpectation::of_digest(*imgtrust::util::Digest::parse(
                                              "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf"))}) {
        VerifiedBundle result = verify_bundle(bundle_of("happy-path-v0.3"), artifact, options);
        CHECK(result.content_kind == ContentKind::message_signature);
        CHECK(result.verified_tlog_entries == 1);
        REQUIRE(result.time_sources.size() == 1);
        CHECK(result.time_sources[0].kind_name() == "SET");
        CHECK(result.time_sources[0].time == 1710869186);
        CHECK(result.time_sources[0].authority == "https://rekor.sigstore.dev");
        REQUIRE(result.certificate);
        CHECK(result.certificate->oidc_issuer == "https://token.actions.githubusercontent.com");
        CHECK(result.certificate->subject_alternative_names.size() == 1);
        CHECK(result.signing_key.algorithm() == "ECDSA P-256");
    }
    CHECK(identity_calls == 2);
}

TEST_CASE("verify_bundle: a DSSE in-toto statement reports its payload, predicate type and subjects") {
    auto options = certificate_options(public_good_trusted_root());
    VerifiedBundle result = verify_bundle(bundle_of("happy-path-intoto-in-dsse-v3"), a_txt(), options);
    CHECK(result.content_kind == ContentKind::dsse_envelope);
    CHECK(result.payload_type == "application/vnd.in-toto+json");
    CHECK(result.payload.find("\"predicateType\"") != std::string::npos);
    CHECK_FALSE(result.predicate_type.empty());
    REQUIRE_FALSE(result.subjects.empty());
    CHECK_THROWS_WITH(verify_bundle(bundle_of("happy-path-intoto-in-dsse-v3"), ArtifactExpectation::of_bytes("other"), options),
                      Catch::Contains("is not a subject of the in-toto statement"));
}

TEST_CASE("verify_bundle: a managed key, a Rekor v1 SET and an RFC 3161 timestamp") {
    BundleVerificationOptions options;
    options.trusted_root = &public_good_trusted_root();
    options.now = 1764892800 + 86400 * 30;
    options.observer_timestamp_threshold = 0;
    options.trusted_keys = imgtrust::signature::load_public_keys_pem(conformance_file("bundle-verify/managed-key-happy-path/key.pub"), "key.pub");
    VerifiedBundle result = verify_bundle(bundle_of("managed-key-happy-path"), a_txt(), options);
    CHECK_FALSE(result.certificate);
    CHECK(result.signing_key.fingerprint() == options.trusted_keys[0].fingerprint());
    REQUIRE(result.time_sources.size() == 2);
    CHECK(result.time_sources[0].kind_name() == "SET");
    CHECK(result.time_sources[1].kind_name() == "TSA");
    // Certificate mode refuses a keyed bundle.
    CHECK_THROWS_WITH(verify_bundle(bundle_of("managed-key-happy-path"), a_txt(), certificate_options(public_good_trusted_root())),
                      Catch::Contains("signed with a public key"));
}

TEST_CASE("verify_bundle: a Rekor v2 entry has only its timestamp as a signing time") {
    TrustedRoot root = parse_trusted_root(conformance_file("bundle-verify/rekor2-happy-path/trusted_root.json"), "rekor2 root");
    VerifiedBundle result = verify_bundle(bundle_of("rekor2-happy-path"), a_txt(), certificate_options(root));
    CHECK(result.verified_tlog_entries == 1);
    REQUIRE(result.time_sources.size() == 1);
    CHECK(result.time_sources[0].kind == TimeSource::Kind::rfc3161_timestamp);
}

TEST_CASE("verify_bundle: thresholds, the identity check, the clock and the options decide") {
    auto options = certificate_options(public_good_trusted_root());
    SECTION("two logs required, one present") {
        options.tlog_threshold = 2;
        CHECK_THROWS_WITH(verify_bundle(bundle_of("happy-path-v0.3"), a_txt(), options), Catch::Contains("not enough verified transparency log entries"));
    }
    SECTION("two signing times required, one present") {
        options.observer_timestamp_threshold = 2;
        CHECK_THROWS_WITH(verify_bundle(bundle_of("happy-path-v0.3"), a_txt(), options), Catch::Contains("not enough verified signing times"));
    }
    SECTION("the identity check's rejection is the verdict") {
        options.check_identity = [](const imgtrust::signature::Certificate&) { throw SignatureRejected("wrong identity"); };
        CHECK_THROWS_WITH(verify_bundle(bundle_of("happy-path-v0.3"), a_txt(), options), "wrong identity");
    }
    SECTION("an integrated time after now") {
        options.now = 1710869186 - 3600;
        CHECK_THROWS_WITH(verify_bundle(bundle_of("happy-path-v0.3"), a_txt(), options), Catch::Contains("in the future"));
    }
    SECTION("no trusted root, no identity check") {
        options.trusted_root = nullptr;
        CHECK_THROWS_AS(verify_bundle(bundle_of("happy-path-v0.3"), a_txt(), options), imgtrust::ConfigError);
        options.trusted_root = &public_good_trusted_root();
        options.check_identity = nullptr;
        CHECK_THROWS_AS(verify_bundle(bundle_of("happy-path-v0.3"), a_txt(), options), imgtrust::ConfigError);
    }
}
