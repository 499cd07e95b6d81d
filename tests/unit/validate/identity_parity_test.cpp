// The hangar + cosign v2.6 parity table (tests/fixtures/identity/hangar-parity.json,
// shown in docs/keyless-ci-identities.md): every row's validate flags build
// the in-memory policy, which judges the row's dir: image of
// tests/fixtures/keyless/ci/images. The registry suite runs the same rows over HTTP.
#include <catch2/catch.hpp>

#include <string>

#include "../fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "imgtrust/verify.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"
#include "validate/status.hpp"
#include "validate/validation_policy.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

std::string ci(const std::string& name) { return fixture_path("keyless/ci/" + name); }

// The row's flags on top of what every row passes: the CI CA and Rekor key
// (hangar fetches the public ones through TUF) and the repository the fixture
// signatures name.
TrustOptions row_options(const rapidjson::Value& flags) {
    TrustOptions options;
    options.fulcio_ca_path = ci("fulcio-root.pem");
    options.rekor_key_paths = {ci("rekor.pub")};
    options.exact_repository = "registry.example.com/app";
    const std::pair<const char*, std::string TrustOptions::*> names[] = {
        {"certificate-identity", &TrustOptions::certificate_identity},
        {"certificate-identity-regexp", &TrustOptions::certificate_identity_regexp},
        {"certificate-oidc-issuer", &TrustOptions::certificate_oidc_issuer},
        {"certificate-oidc-issuer-regexp", &TrustOptions::certificate_oidc_issuer_regexp},
        {"certificate-github-workflow-trigger", &TrustOptions::github_workflow_trigger},
        {"certificate-github-workflow-sha", &TrustOptions::github_workflow_sha},
        {"certificate-github-workflow-name", &TrustOptions::github_workflow_name},
        {"certificate-github-workflow-repository", &TrustOptions::github_workflow_repository},
        {"certificate-github-workflow-ref", &TrustOptions::github_workflow_ref},
    };
    for (const auto& member : flags.GetObject()) {
        bool known = false;
        for (const auto& [name, field] : names)
            if (member.name.GetString() == std::string(name)) options.*field = member.value.GetString(), known = true;
        REQUIRE(known);
    }
    return options;
}

std::string imgtrust_decision(const TrustOptions& options, const std::string& image) {
    Policy policy;
    try {
        policy = build_validation_policy(options);
    } catch (const ConfigError&) {
        return "usage-error";
    }
    PolicyContext context(std::move(policy));
    return status_name(derive_status(context.evaluate(*parse_image_reference("dir:" + ci("images/" + image)))).status);
}

}  // namespace

TEST_CASE("every row of the hangar parity table gets imgtrust's recorded decision") {
    auto text = util::read_file_bounded(fixture_path("identity/hangar-parity.json"), 1 << 20, "parity table");
    REQUIRE(text);
    rapidjson::Document table;
    REQUIRE_FALSE(util::parse_untrusted_json(*text, table));
    std::size_t rows = 0, divergent = 0;
    for (const auto& row : table["rows"].GetArray()) {
        INFO("row " << row["name"].GetString() << ": " << row["source"].GetString());
        CHECK(imgtrust_decision(row_options(row["flags"]), row["image"].GetString()) == std::string(row["imgtrust"].GetString()));
        const std::string cosign = row["cosign"].GetString(), ours = row["imgtrust"].GetString();
        const bool same = (cosign == "accepted") == (ours == "verified") && (cosign == "error") == (ours == "usage-error");
        if (!same) {
            ++divergent;
            CHECK(std::string(row["source"].GetString()).rfind("DIVERGENCE", 0) == 0);  // every difference is explained
        }
        ++rows;
    }
    CHECK(rows == 25);
    CHECK(divergent == 2);
}

TEST_CASE("an unanchored identity regexp is valid but warned about") {
    TrustOptions options;
    options.certificate_identity_regexp = "github.com/o/r/";
    options.certificate_oidc_issuer_regexp = "^https://token\\.actions\\.githubusercontent\\.com$";
    auto warnings = trust_option_warnings(options);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].rfind("--certificate-identity-regexp github.com/o/r/ is not anchored", 0) == 0);
}

TEST_CASE("an invalid regexp is a usage error carrying RE2's message") {
    TrustOptions options;
    options.fulcio_ca_path = ci("fulcio-root.pem");
    options.rekor_key_paths = {ci("rekor.pub")};
    options.certificate_oidc_issuer = "https://token.actions.githubusercontent.com";
    options.certificate_identity_regexp = "[z-a]";
    CHECK_THROWS_WITH(build_validation_policy(options),
                      "--certificate-identity-regexp [z-a]: invalid RE2 regular expression: invalid character class range: z-a");
}
