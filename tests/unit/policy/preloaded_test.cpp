// Pre-downloaded content (include/imgtrust/preloaded.hpp): signature files as
// skopeo, cosign and c/image write them, recognised from their bytes, and the
// policy evaluated over a caller's manifest and signatures under docker://REF.
// Fixtures: tests/fixtures/images (skopeo --sign-by, cosign_fixture.py) and
// tests/fixtures/bundles (python3-cryptography), never written by imgtrust.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/preloaded.hpp"

using namespace imgtrust;

namespace {

constexpr const char* app_v1 = "registry.example.com/app:v1";

std::string config_error(std::string_view bytes) {
    try {
        parse_signature_file(bytes);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(recognised)";
}

ManifestBlob manifest_of(const std::string& image) { return ManifestBlob{read_fixture("images/" + image + "/manifest.json"), {}}; }

std::vector<UntrustedSignature> signatures_of(const std::vector<std::string>& files) {
    std::vector<UntrustedSignature> signatures;
    for (const auto& file : files) signatures.push_back(parse_signature_file(read_fixture(file)));
    return signatures;
}

// A docker scope for the app repository (the default rejects), so that the
// scope lookup under docker://REF is visible in the verdict.
std::unique_ptr<PolicyContext> docker_scope_policy(const std::string& requirement) {
    const std::string json = R"({"default": [{"type": "reject"}], "transports": {"docker": {"registry.example.com/app": [)" +
                             requirement + "]}}}";
    return std::make_unique<PolicyContext>(parse_policy(json, "preloaded test policy"));
}

std::string gpg_requirement() {
    return R"({"type": "signedBy", "keyType": "GPGKeys", "keyPath": ")" + fixture_path("keys/gpg-primary-only.gpg") + "\"}";
}

std::string sigstore_requirement() {
    return R"({"type": "sigstoreSigned", "keyPath": ")" + fixture_path("keys/ecdsa-p256.pub") + "\"}";
}

std::string bundle_requirement() {
    return R"({"type": "sigstoreSigned", "keyPath": ")" + fixture_path("keys/ecdsa-p256.pub") + R"(", "trustedRootPath": ")" +
           fixture_path("bundles/trust/keyed-trusted_root.json") + R"(", "signedIdentity": {"type": "matchDigestOnly"}})";
}

RejectionKind first_signature_kind(const Verdict& verdict) {
    REQUIRE(!verdict.requirements.empty());
    REQUIRE(!verdict.requirements.front().signatures.empty());
    return verdict.requirements.front().signatures.front().rejection_kind;
}

}  // namespace

TEST_CASE("parse_signature_file recognises the three forms a caller may hold") {
    auto simple = parse_signature_file(read_fixture("images/gpg-valid-app-v1/signature-1"));
    CHECK(std::holds_alternative<SimpleSigningSignature>(simple));
    auto sigstore = parse_signature_file(read_fixture("images/sigstore-ecdsa-p256-app-v1/signature-1"));
    REQUIRE(std::holds_alternative<SigstoreSignature>(sigstore));
    CHECK(std::get<SigstoreSignature>(sigstore).untrusted_mime_type == sigstore_signature_mime_type);
    auto bundle = parse_signature_file(read_fixture("bundles/keyed/valid-image-rekor.sigstore.json"));
    REQUIRE(std::holds_alternative<SigstoreBundleSignature>(bundle));
    CHECK(std::get<SigstoreBundleSignature>(bundle).untrusted_media_type == "application/vnd.dev.sigstore.bundle.v0.3+json");
    CHECK(std::get<SigstoreBundleSignature>(bundle).found_in == "preloaded");
}

TEST_CASE("parse_signature_file refuses what it does not recognise, naming why") {
    CHECK_THAT(config_error(""), Catch::Contains("empty"));
    CHECK_THAT(config_error("hello, world"), Catch::Contains("first byte 0x68"));
    CHECK_THAT(config_error("{\"mediaType\": \"application/json\"}"), Catch::Contains("not a Sigstore bundle media type"));
    CHECK_THAT(config_error("{\"payload\": 1}"), Catch::Contains("without a string \"mediaType\""));
    CHECK_THAT(config_error("[1, 2]"), Catch::Contains("first byte 0x5b"));
    CHECK_THAT(config_error("  {\"mediaType\": "), Catch::Contains("not valid JSON"));
    CHECK_THAT(config_error("-----BEGIN PGP SIGNATURE-----\n"), Catch::Contains("ASCII-armored"));
    CHECK_THAT(config_error(std::string("\0other-format\nxyz", 17)), Catch::Contains("unrecognized signature format"));
    CHECK_THAT(config_error(std::string(max_signature_bytes + 1, '\x89')), Catch::Contains("larger than"));
}

TEST_CASE("evaluate_preloaded accepts a simple-signing signature under the docker scope of the reference") {
    auto context = docker_scope_policy(gpg_requirement());
    Verdict verdict = evaluate_preloaded(*context, std::string("docker://") + app_v1, manifest_of("gpg-valid-app-v1"),
                                         signatures_of({"images/gpg-valid-app-v1/signature-1"}));
    CHECK(verdict.allowed);
    CHECK(verdict.image == std::string("docker://") + app_v1);
    CHECK_THAT(verdict.transport_scope, Catch::Contains("registry.example.com/app"));
    CHECK(verdict.manifest_digest == sha256_digest(read_fixture("images/gpg-valid-app-v1/manifest.json")));
    // The same without the transport prefix.
    CHECK(evaluate_preloaded(*context, app_v1, manifest_of("gpg-valid-app-v1"),
                             signatures_of({"images/gpg-valid-app-v1/signature-1"}))
              .allowed);
}

TEST_CASE("evaluate_preloaded digests the manifest bytes given: a tampered manifest is a digest mismatch") {
    auto context = docker_scope_policy(gpg_requirement());
    Verdict verdict = evaluate_preloaded(*context, app_v1, manifest_of("gpg-tampered-manifest"),
                                         signatures_of({"images/gpg-tampered-manifest/signature-1"}));
    CHECK_FALSE(verdict.allowed);
    CHECK(first_signature_kind(verdict) == RejectionKind::digest_mismatch);
    ManifestBlob appended = manifest_of("gpg-valid-app-v1");
    appended.bytes += "\n";
    verdict = evaluate_preloaded(*context, app_v1, appended, signatures_of({"images/gpg-valid-app-v1/signature-1"}));
    CHECK_FALSE(verdict.allowed);
    CHECK(first_signature_kind(verdict) == RejectionKind::digest_mismatch);
}

TEST_CASE("evaluate_preloaded compares the signed identity with the caller's reference") {
    auto context = std::make_unique<PolicyContext>(parse_policy("{\"default\": [" + gpg_requirement() + "]}", "inline"));
    Verdict verdict = evaluate_preloaded(*context, "registry.example.com/other:v1", manifest_of("gpg-valid-app-v1"),
                                         signatures_of({"images/gpg-valid-app-v1/signature-1"}));
    CHECK_FALSE(verdict.allowed);
    CHECK(first_signature_kind(verdict) == RejectionKind::identity_mismatch);
    // Outside the docker scope of the app repository, the default (reject) applies.
    auto scoped = docker_scope_policy(gpg_requirement());
    verdict = evaluate_preloaded(*scoped, "registry.example.com/other:v1", manifest_of("gpg-valid-app-v1"),
                                 signatures_of({"images/gpg-valid-app-v1/signature-1"}));
    CHECK_FALSE(verdict.allowed);
    CHECK(verdict.transport_scope == "default");
}

TEST_CASE("evaluate_preloaded verifies c/image sigstore blobs and Sigstore bundles") {
    auto sigstore = docker_scope_policy(sigstore_requirement());
    CHECK(evaluate_preloaded(*sigstore, app_v1, manifest_of("sigstore-ecdsa-p256-app-v1"),
                             signatures_of({"images/sigstore-ecdsa-p256-app-v1/signature-1"}))
              .allowed);
    auto bundles = docker_scope_policy(bundle_requirement());
    Verdict verdict = evaluate_preloaded(*bundles, app_v1, manifest_of("unsigned"),
                                         signatures_of({"bundles/keyed/valid-image-rekor.sigstore.json"}));
    CHECK(verdict.allowed);
    REQUIRE(!verdict.requirements.front().signatures.empty());
    CHECK(verdict.requirements.front().signatures.front().found_in == "preloaded");
    verdict = evaluate_preloaded(*bundles, app_v1, manifest_of("unsigned"),
                                 signatures_of({"bundles/keyed/reject-image-subject-other-digest.sigstore.json"}));
    CHECK_FALSE(verdict.allowed);
}

TEST_CASE("evaluate_preloaded evaluates a manifest list as the list itself, by its own digest") {
    auto context = docker_scope_policy(gpg_requirement());
    const ManifestBlob index = manifest_of("multiarch-index-signed");
    Verdict verdict = evaluate_preloaded(*context, app_v1, index, signatures_of({"images/multiarch-index-signed/signature-1"}));
    CHECK(verdict.allowed);
    CHECK(verdict.manifest_digest == sha256_digest(index.bytes));
    CHECK(verdict.platform.empty());
    CHECK(verdict.multi_arch_rule == "platform");
    CHECK(verdict.satisfied_by == "manifest");
    // The instances' signatures do not sign the index.
    verdict = evaluate_preloaded(*context, app_v1, index, signatures_of({"images/multiarch-amd64-signed/" +
                                                                         std::string("ef75cd90094f812edcb55e2c436f42e66a679e7799319af173b30ccacd94d90e.signature-1")}));
    CHECK_FALSE(verdict.allowed);
}

TEST_CASE("evaluate_preloaded refuses unusable input as configuration errors") {
    auto context = docker_scope_policy(gpg_requirement());
    CHECK_THROWS_AS(evaluate_preloaded(*context, "", manifest_of("gpg-valid-app-v1"), {}), ConfigError);
    CHECK_THROWS_AS(evaluate_preloaded(*context, "Not/A/Valid:Ref:x", manifest_of("gpg-valid-app-v1"), {}), ConfigError);
    CHECK_THROWS_AS(evaluate_preloaded(*context, app_v1, ManifestBlob{}, {}), ConfigError);
    std::vector<UntrustedSignature> too_many(max_signatures + 1, SimpleSigningSignature{"x"});
    CHECK_THROWS_AS(evaluate_preloaded(*context, app_v1, manifest_of("gpg-valid-app-v1"), too_many), ConfigError);
    // No signature at all: a rejection, not an error.
    Verdict verdict = evaluate_preloaded(*context, app_v1, manifest_of("gpg-valid-app-v1"), {});
    CHECK_FALSE(verdict.allowed);
    CHECK(verdict.requirements.front().rejection_kind == RejectionKind::no_signatures);
}
