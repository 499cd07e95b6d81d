// Sigstore bundles under sigstoreSigned: the policy extensions (matchDigestOnly,
// trustedRootPath/trustedRootData) parse strictly, and every image case of
// tests/fixtures/bundles/index.json (written by @sigstore/sign + @sigstore/mock
// and python3-cryptography, never by imgtrust) gets its expected verdict under
// matchDigestOnly, and is rejected under every c/image identity.
#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "bundle_layout_image.hpp"
#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"

using namespace imgtrust;

namespace {

std::string parse_error(const std::string& json) {
    try {
        parse_policy(json, "inline");
    } catch (const PolicyFormatError& e) {
        return e.what();
    }
    return "(accepted)";
}

// The sigstoreSigned requirement a fixture case stands for.
std::string requirement_json(const rapidjson::Value& fixture, const std::string& identity_json) {
    std::string root = fixture_path(fixture["trusted_root"].GetString());
    std::string trust;
    if (fixture.HasMember("key")) {
        trust = R"("keyPath": ")" + fixture_path(fixture["key"].GetString()) + "\"";
    } else {
        trust = R"("fulcio": {"oidcIssuer": ")" + std::string(fixture["issuer"].GetString()) + R"(", "subject": ")" +
                fixture["identity"].GetString() + "\"}";
    }
    return R"({"default": [{"type": "sigstoreSigned", "trustedRootPath": ")" + root + "\", " + trust +
           R"(, "signedIdentity": )" + identity_json + "}]}";
}

Verdict evaluate_case(const rapidjson::Value& fixture, const std::string& identity_json) {
    PolicyContext context(parse_policy(requirement_json(fixture, identity_json), "bundle fixture policy"));
    BundleSource source(read_fixture(fixture["artifact"].GetString()), read_fixture(fixture["bundle"].GetString()));
    return context.evaluate(LayoutReference(), source);
}

}  // namespace

TEST_CASE("matchDigestOnly is a sigstoreSigned identity only") {
    CHECK(parse_error(R"({"default": [{"type": "sigstoreSigned", "keyPath": "/k", "signedIdentity": {"type": "matchDigestOnly"}}]})") ==
          "(accepted)");
    CHECK_THAT(parse_error(R"({"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k",
        "signedIdentity": {"type": "matchDigestOnly"}}]})"),
               Catch::Contains("only valid in a sigstoreSigned requirement"));
    CHECK_THAT(parse_error(R"({"default": [{"type": "signedBaseLayer", "baseLayerIdentity": {"type": "matchDigestOnly"}}]})"),
               Catch::Contains("only valid in a sigstoreSigned requirement"));
    CHECK_THAT(parse_error(R"({"default": [{"type": "sigstoreSigned", "keyPath": "/k",
        "signedIdentity": {"type": "matchDigestOnly", "dockerRepository": "x"}}]})"),
               Catch::Contains("dockerRepository"));
}

TEST_CASE("trustedRootPath and trustedRootData replace fulcio CAs and Rekor keys, and exclude each other") {
    CHECK(parse_error(R"({"default": [{"type": "sigstoreSigned", "trustedRootPath": "/r.json",
        "fulcio": {"oidcIssuer": "https://i", "subjectEmail": "a@b"}}]})") == "(accepted)");
    CHECK(parse_error(R"({"default": [{"type": "sigstoreSigned", "trustedRootData": "e30=", "keyPath": "/k"}]})") == "(accepted)");
    CHECK_THAT(parse_error(R"({"default": [{"type": "sigstoreSigned", "trustedRootPath": "/r.json", "trustedRootData": "e30=",
        "keyPath": "/k"}]})"),
               Catch::Contains("cannot be used simultaneously"));
    CHECK_THAT(parse_error(R"({"default": [{"type": "sigstoreSigned", "trustedRootPath": "/r.json", "rekorPublicKeyPath": "/r",
        "keyPath": "/k"}]})"),
               Catch::Contains("whose transparency logs are used"));
    CHECK_THAT(parse_error(R"({"default": [{"type": "sigstoreSigned", "trustedRootPath": "/r.json",
        "fulcio": {"caPath": "/ca", "oidcIssuer": "https://i", "subjectEmail": "a@b"}}]})"),
               Catch::Contains("certificate authorities fulcio uses"));
    CHECK_THAT(parse_error(R"({"default": [{"type": "sigstoreSigned", "trustedRootPath": "/r.json",
        "pki": {"caRootsPath": "/ca", "subjectEmail": "a@b"}}]})"),
               Catch::Contains("not supported for pki"));
    CHECK_THAT(parse_error(R"({"default": [{"type": "sigstoreSigned", "trustedRootPath": "", "keyPath": "/k"}]})"),
               Catch::Contains("must not be empty"));
    // Without a trusted root, c/image's rules stand: fulcio needs its CA and a Rekor key.
    CHECK_THAT(parse_error(R"({"default": [{"type": "sigstoreSigned", "rekorPublicKeyPath": "/r",
        "fulcio": {"oidcIssuer": "https://i", "subjectEmail": "a@b"}}]})"),
               Catch::Contains("exactly one of caPath and caData"));
}

TEST_CASE("lint says matchDigestOnly and trustedRootPath are not portable") {
    auto diagnostics = lint_policy(R"({"default": [{"type": "sigstoreSigned", "keyPath": "/k", "trustedRootData": "e30=",
        "signedIdentity": {"type": "matchDigestOnly"}}]})",
                                   "inline");
    int not_portable = 0;
    for (const auto& diagnostic : diagnostics)
        if (diagnostic.message.find("not portable") != std::string::npos) ++not_portable;
    CHECK(not_portable == 2);
}

TEST_CASE("an unreadable or invalid trusted root is a configuration error naming the policy location") {
    PolicyContext missing(parse_policy(R"({"default": [{"type": "sigstoreSigned", "keyPath": ")" +
                                           fixture_path("keys/ecdsa-p256.pub") +
                                           R"(", "trustedRootPath": "/nonexistent/trusted_root.json"}]})",
                                       "inline"));
    BundleSource source("{}", "{}");
    CHECK_THROWS_WITH(missing.evaluate(LayoutReference(), source), Catch::Contains("default[0].trustedRootPath"));
    PolicyContext invalid(parse_policy(R"({"default": [{"type": "sigstoreSigned", "keyPath": ")" +
                                           fixture_path("keys/ecdsa-p256.pub") + R"(", "trustedRootData": "e30="}]})",
                                       "inline"));
    CHECK_THROWS_AS(invalid.evaluate(LayoutReference(), source), ConfigError);
}

TEST_CASE("every image bundle fixture: its verdict under matchDigestOnly, and rejected under c/image identities") {
    rapidjson::Document index;
    std::string text = read_fixture("bundles/index.json");
    index.Parse(text.c_str());
    REQUIRE(index.IsObject());
    int checked = 0;
    for (const auto& fixture : index["cases"].GetArray()) {
        if (!fixture.HasMember("image") || !fixture["image"].IsObject()) continue;
        const std::string name = fixture["name"].GetString();
        const bool expect_accepted = std::string(fixture["image"]["verdict"].GetString()) == "accepted";
        SECTION(name) {
            Verdict digest_only = evaluate_case(fixture, R"({"type": "matchDigestOnly"})");
            INFO(name << ": " << digest_only.requirements.front().reason);
            CHECK(digest_only.allowed == expect_accepted);
            REQUIRE(digest_only.requirements.front().signatures.size() == 1);
            const SignatureOutcome& outcome = digest_only.requirements.front().signatures.front();
            CHECK(outcome.format == "sigstore-bundle");
            CHECK(outcome.found_in == "oci-layout");
            const bool keyless = !fixture.HasMember("key");
            if (expect_accepted && keyless) CHECK_FALSE(outcome.signing_times.empty());
            for (const char* identity : {R"({"type": "matchRepoDigestOrExact"})", R"({"type": "matchRepository"})",
                                         R"({"type": "exactRepository", "dockerRepository": "example.com/app"})"}) {
                Verdict c_image = evaluate_case(fixture, identity);
                CHECK_FALSE(c_image.allowed);
                if (expect_accepted)
                    CHECK_THAT(c_image.requirements.front().reason, Catch::Contains("a bundle names no image"));
            }
        }
        ++checked;
    }
    CHECK(checked >= 20);
}

TEST_CASE("bundles under fulcio caPath + rekorPublicKeyPath: the policy's own CA and Rekor key, no TSA") {
    rapidjson::Document index;
    std::string text = read_fixture("bundles/index.json");
    index.Parse(text.c_str());
    REQUIRE(index.IsObject());
    auto verdict_for = [&](const std::string& name, const std::string& rekor_key) {
        for (const auto& fixture : index["cases"].GetArray()) {
            if (fixture["name"].GetString() != name) continue;
            std::string policy = R"({"default": [{"type": "sigstoreSigned", "rekorPublicKeyPath": ")" + fixture_path(rekor_key) +
                                 R"(", "fulcio": {"caPath": ")" + fixture_path("bundles/keys/mock-fulcio-ca.pem") +
                                 R"(", "oidcIssuer": ")" + fixture["issuer"].GetString() + R"(", "subject": ")" +
                                 fixture["identity"].GetString() + R"("}, "signedIdentity": {"type": "matchDigestOnly"}}]})";
            PolicyContext context(parse_policy(policy, "inline"));
            BundleSource source(read_fixture(fixture["artifact"].GetString()), read_fixture(fixture["bundle"].GetString()));
            return context.evaluate(LayoutReference(), source);
        }
        FAIL("no fixture " << name);
        return Verdict{};
    };
    Verdict logged = verdict_for("keyless/valid-image-rekor", "bundles/keys/mock-rekor.pub");
    INFO(logged.requirements.front().reason);
    CHECK(logged.allowed);
    REQUIRE(logged.requirements.front().signatures.size() == 1);
    const auto& times = logged.requirements.front().signatures.front().signing_times;
    REQUIRE(times.size() == 1);
    CHECK(times.front().source == "SET");
    // The same bundle, but the policy trusts another Rekor key: no verified log entry, no time.
    Verdict other_log = verdict_for("keyless/valid-image-rekor", "bundles/keys/keyed-rekor.pub");
    CHECK_FALSE(other_log.allowed);
    // Rekor v2 entries carry no SET; their time comes from a TSA, which a policy without a trusted root does not name.
    Verdict rekor2 = verdict_for("keyless/valid-image-rekor2-tsa", "bundles/keys/mock-rekor.pub");
    CHECK_FALSE(rekor2.allowed);
}

TEST_CASE("keyed bundles: keyPath alone needs no log entry; keyPath + rekorPublicKeyPath needs one of that log") {
    const std::string manifest = read_fixture("images/unsigned/manifest.json");
    const std::string bundle = read_fixture("bundles/keyed/valid-image-rekor.sigstore.json");
    const std::string key = fixture_path("keys/ecdsa-p256.pub");
    auto evaluate = [&](const std::string& extra) {
        PolicyContext context(parse_policy(R"({"default": [{"type": "sigstoreSigned", "keyPath": ")" + key + "\"" + extra +
                                               R"(, "signedIdentity": {"type": "matchDigestOnly"}}]})",
                                           "inline"));
        BundleSource source(manifest, bundle);
        return context.evaluate(LayoutReference(), source);
    };
    Verdict key_only = evaluate("");
    INFO(key_only.requirements.front().reason);
    CHECK(key_only.allowed);
    Verdict logged = evaluate(R"(, "rekorPublicKeyPath": ")" + fixture_path("bundles/keys/keyed-rekor.pub") + "\"");
    INFO(logged.requirements.front().reason);
    CHECK(logged.allowed);
    Verdict other_log = evaluate(R"(, "rekorPublicKeyPath": ")" + fixture_path("bundles/keys/mock-rekor.pub") + "\"");
    CHECK_FALSE(other_log.allowed);
    CHECK_THAT(other_log.requirements.front().reason, Catch::Contains("transparency log"));
}

TEST_CASE("pki bundles: the chain to caRootsPath now, then the email rule; no log needed") {
    const std::string manifest = read_fixture("images/unsigned/manifest.json");
    auto evaluate = [&](const std::string& bundle_file, const std::string& roots, bool configured_intermediates) {
        std::string pki = R"("pki": {"caRootsPath": ")" + fixture_path("bundles/pki/" + roots) + "\"";
        if (configured_intermediates) pki += R"(, "caIntermediatesPath": ")" + fixture_path("bundles/pki/intermediate.pem") + "\"";
        pki += R"(, "subjectEmail": "pki-signer@example.com"})";
        PolicyContext context(parse_policy(R"({"default": [{"type": "sigstoreSigned", )" + pki +
                                               R"(, "signedIdentity": {"type": "matchDigestOnly"}}]})",
                                           "inline"));
        BundleSource source(manifest, read_fixture("bundles/pki/" + bundle_file));
        return context.evaluate(LayoutReference(), source);
    };
    Verdict valid = evaluate("valid-image-email.sigstore.json", "root.pem", true);
    INFO(valid.requirements.front().reason);
    CHECK(valid.allowed);
    // The v0.2 chain form brings its intermediate (untrusted, used only to build the chain).
    Verdict chain = evaluate("valid-image-chain-v0.2.sigstore.json", "root.pem", false);
    INFO(chain.requirements.front().reason);
    CHECK(chain.allowed);
    CHECK_FALSE(evaluate("valid-image-email.sigstore.json", "root.pem", false).allowed);  // no path to the root
    CHECK_FALSE(evaluate("valid-image-email.sigstore.json", "other-root.pem", true).allowed);
    Verdict wrong_email = evaluate("reject-image-wrong-email.sigstore.json", "root.pem", true);
    CHECK_FALSE(wrong_email.allowed);
    CHECK_THAT(wrong_email.requirements.front().reason, Catch::Contains("pki-signer@example.com"));
    CHECK_FALSE(evaluate("reject-image-other-ca.sigstore.json", "root.pem", true).allowed);
    Verdict expired = evaluate("reject-image-expired.sigstore.json", "root.pem", true);
    CHECK_FALSE(expired.allowed);
    CHECK_THAT(expired.requirements.front().reason, Catch::Contains("expired"));
}
