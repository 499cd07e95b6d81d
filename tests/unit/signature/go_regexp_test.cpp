// The RE2 edge-case table (tests/fixtures/identity/re2-cases.json, shown in
// docs/keyless-ci-identities.md): every row's Go decision, through the matcher
// the identity regexps use.
#include <catch2/catch.hpp>

#include "imgtrust/errors.hpp"
#include "signature/certificate_identity.hpp"
#include "signature_fixtures.hpp"
#include "util/untrusted_json.hpp"

using namespace imgtrust::signature;

namespace {

// In the table, the four characters \xff stand for the byte 0xff (JSON strings cannot hold it).
std::string with_raw_bytes(std::string text) {
    for (std::size_t at = text.find("\\xff"); at != std::string::npos; at = text.find("\\xff", at + 1)) text.replace(at, 4, "\xff");
    return text;
}

}  // namespace

TEST_CASE("every row of the RE2 edge-case table decides as Go's regexp does") {
    rapidjson::Document table;
    REQUIRE_FALSE(imgtrust::util::parse_untrusted_json(signature_test::read_fixture("identity/re2-cases.json"), table));
    const auto& cases = table["cases"].GetArray();
    REQUIRE(cases.Size() >= 30);
    for (const auto& row : cases) {
        const std::string pattern = with_raw_bytes(row["pattern"].GetString());
        const std::string text = with_raw_bytes(row["text"].GetString());
        INFO("pattern " << pattern << " text " << text << " (" << row["note"].GetString() << ")");
        if (row.HasMember("error")) {
            CHECK(go_regexp_compile_error(pattern) == row["error"].GetString());
            CHECK_THROWS_AS(go_regexp_match_string(pattern, text), imgtrust::ConfigError);
        } else {
            CHECK(go_regexp_compile_error(pattern).empty());
            CHECK(go_regexp_match_string(pattern, text) == row["matches"].GetBool());
        }
    }
}

TEST_CASE("an invalid identity pattern is a configuration error carrying RE2's message") {
    IdentityRequirementSpec spec;
    spec.subject = "x";
    spec.oidc_issuer_regexp = "[z-a]";
    CHECK_THROWS_WITH(IdentityRequirement(spec), "invalid OIDC issuer regexp \"[z-a]\": invalid character class range: z-a");
    spec.oidc_issuer_regexp.clear();
    spec.build_signer_uri_regexp = "\\C";
    CHECK_THROWS_WITH(IdentityRequirement(spec), "invalid build signer URI regexp \"\\\\C\": invalid escape sequence: \\C");
}
