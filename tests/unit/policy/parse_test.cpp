// Strict parsing of containers-policy.json: the values kept, the locations
// reported, and collect_policy_errors reporting every problem.
#include <catch2/catch.hpp>

#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"

using imgtrust::PolicyFormatError;
using imgtrust::SignedIdentity;

namespace {

std::string error_location(const std::string& json) {
    try {
        imgtrust::parse_policy(json, "test");
    } catch (const PolicyFormatError& e) {
        return e.location();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("signedBy requirements keep their key sources, identity and location") {
    auto policy = imgtrust::parse_policy(R"({
        "default": [{"type": "reject"}],
        "transports": {"docker": {
            "example.com": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k.gpg"}],
            "example.com/app": [{"type": "insecureAcceptAnything"},
                                {"type": "signedBy", "keyType": "GPGKeys", "keyData": "aGVsbG8=",
                                 "signedIdentity": {"type": "remapIdentity", "prefix": "example.com", "signedPrefix": "docker.io/library"}}]
        }}})",
                                         "inline");
    CHECK(policy.source == "inline");
    REQUIRE(policy.default_requirements.size() == 1);
    CHECK(std::string(imgtrust::requirement_type_name(policy.default_requirements[0].value)) == "reject");
    const auto& scopes = policy.transports.at("docker");
    const auto& first = scopes.at("example.com").at(0);
    CHECK(first.location == R"(transports.docker["example.com"][0])");
    const auto& by_path = std::get<imgtrust::SignedByRequirement>(first.value);
    CHECK(by_path.key_type == "GPGKeys");
    CHECK(by_path.key_path == std::optional<std::string>("/k.gpg"));
    CHECK_FALSE(by_path.key_paths);
    CHECK_FALSE(by_path.key_data);
    CHECK(by_path.signed_identity.kind == SignedIdentity::Kind::match_repo_digest_or_exact);

    const auto& second = scopes.at("example.com/app").at(1);
    CHECK(second.location == R"(transports.docker["example.com/app"][1])");
    const auto& by_data = std::get<imgtrust::SignedByRequirement>(second.value);
    CHECK(by_data.key_data == std::optional<std::string>("hello"));
    CHECK(by_data.signed_identity.kind == SignedIdentity::Kind::remap_identity);
    CHECK(by_data.signed_identity.prefix == "example.com");
    CHECK(by_data.signed_identity.signed_prefix == "docker.io/library");
}

TEST_CASE("sigstoreSigned requirements keep fulcio, pki and rekor fields with data decoded") {
    auto policy = imgtrust::parse_policy(R"({"default": [
        {"type": "sigstoreSigned", "keyDatas": ["aGVsbG8=", "d29ybGQ="], "rekorPublicKeyPaths": ["/r1", "/r2"],
         "signedIdentity": {"type": "exactRepository", "dockerRepository": "example.com/app"}},
        {"type": "sigstoreSigned", "fulcio": {"caPath": "/ca.pem", "oidcIssuer": "https://issuer", "subjectEmail": "a@b.c"},
         "rekorPublicKeyData": "aGVsbG8="},
        {"type": "sigstoreSigned", "pki": {"caRootsData": "aGVsbG8=", "caIntermediatesPath": "/i.pem", "subjectHostname": "h.example"}}
    ]})",
                                         "inline");
    const auto& keys = std::get<imgtrust::SigstoreSignedRequirement>(policy.default_requirements.at(0).value);
    CHECK(keys.key_datas == std::optional<std::vector<std::string>>({"hello", "world"}));
    CHECK(keys.rekor_public_key_paths == std::optional<std::vector<std::string>>({"/r1", "/r2"}));
    CHECK(keys.signed_identity.kind == SignedIdentity::Kind::exact_repository);
    CHECK(keys.signed_identity.docker_repository == "example.com/app");
    CHECK(keys.uses_keyless_or_rekor());

    const auto& fulcio = std::get<imgtrust::SigstoreSignedRequirement>(policy.default_requirements.at(1).value);
    REQUIRE(fulcio.fulcio);
    CHECK(fulcio.fulcio->ca_path == std::optional<std::string>("/ca.pem"));
    CHECK_FALSE(fulcio.fulcio->ca_data);
    CHECK(fulcio.fulcio->oidc_issuer == "https://issuer");
    CHECK(fulcio.fulcio->subject_email == "a@b.c");
    CHECK(fulcio.rekor_public_key_data == std::optional<std::string>("hello"));

    const auto& pki = std::get<imgtrust::SigstoreSignedRequirement>(policy.default_requirements.at(2).value);
    REQUIRE(pki.pki);
    CHECK(pki.pki->ca_roots_data == std::optional<std::string>("hello"));
    CHECK(pki.pki->ca_intermediates_path == std::optional<std::string>("/i.pem"));
    CHECK(pki.pki->subject_hostname == "h.example");
    CHECK(pki.pki->subject_email.empty());
    CHECK(pki.signed_identity.kind == SignedIdentity::Kind::match_repo_digest_or_exact);
}

TEST_CASE("scopes: the empty scope is always valid, unknown transports are kept, docker scopes are not validated") {
    auto policy = imgtrust::parse_policy(R"({"default": [{"type": "reject"}], "transports": {
        "dir": {"": [{"type": "reject"}], "/srv/a.b/c": [{"type": "reject"}]},
        "docker": {"not a reference!": [{"type": "reject"}]},
        "bogus": {"relative": [{"type": "reject"}]}}})",
                                         "inline");
    CHECK(policy.transports.at("dir").size() == 2);
    CHECK(policy.transports.at("docker").count("not a reference!") == 1);
    CHECK(policy.transports.at("bogus").count("relative") == 1);
    CHECK(error_location(R"({"default": [{"type": "reject"}], "transports": {"oci": {"/": [{"type": "reject"}]}}})") ==
          R"(transports.oci["/"])");
    CHECK(error_location(R"({"default": [{"type": "reject"}], "transports": {"sif": {"/a/./b": [{"type": "reject"}]}}})") ==
          R"(transports.sif["/a/./b"])");
    CHECK(error_location(R"({"default": [{"type": "reject"}], "transports": {"tarball": {"x": [{"type": "reject"}]}}})") ==
          R"(transports.tarball["x"])");
}

TEST_CASE("strict JSON: duplicates hidden by escapes, nested duplicates, whitespace, NUL bytes, deep nesting") {
    CHECK(error_location(R"({"default": [{"type": "reject"}], "d\u0065fault": [{"type": "reject"}]})") == "default");
    CHECK(error_location(R"({"default": [{"type": "sigstoreSigned", "rekorPublicKeyPath": "/r",
        "fulcio": {"caPath": "/a", "caPath": "/b", "oidcIssuer": "i", "subjectEmail": "e"}}]})") == "default[0].fulcio.caPath");
    CHECK(error_location(R"({"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k",
        "signedIdentity": {"type": "matchExact", "type": "matchExact"}}]})") == "default[0].signedIdentity.type");
    CHECK(error_location(" \n\t{\"default\": [{\"type\": \"reject\"}]}\n\n ") == "(accepted)");
    CHECK(error_location(std::string("{\"default\": [{\"type\": \"reject\"}]}\0", 34)) == "line 1, column 34");
    std::string deep = "{\"default\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK(error_location(deep) == "line 1, column 524");  // the 513th level: util::max_json_depth
    CHECK(error_location(R"({"default": [{"type": "reject"}]} // comment)") == "line 1, column 35");
}

TEST_CASE("base64 fields follow Go: padding required, CR and LF ignored, empty is valid") {
    auto policy = imgtrust::parse_policy(R"({"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyData": "aGVs\nbG8="},
        {"type": "signedBy", "keyType": "GPGKeys", "keyData": ""}]})",
                                         "inline");
    CHECK(std::get<imgtrust::SignedByRequirement>(policy.default_requirements[0].value).key_data == std::optional<std::string>("hello"));
    CHECK(std::get<imgtrust::SignedByRequirement>(policy.default_requirements[1].value).key_data == std::optional<std::string>(""));
    CHECK(error_location(R"({"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyData": "aGVsbG8"}]})") ==
          "default[0].keyData");
}

TEST_CASE("what() names the location before the message") {
    try {
        imgtrust::parse_policy(R"({"default": [{"type": "reject"}], "transports": {"dir": {"/srv": [{"type": "signedBy",
            "keyType": "GPGKeys", "keyPaths": "/k"}]}}})",
                               "inline");
        FAIL("accepted");
    } catch (const PolicyFormatError& e) {
        CHECK(std::string(e.what()) == R"(transports.dir["/srv"][0].keyPaths: must be an array of strings, not a string)");
    }
}

TEST_CASE("collect_policy_errors reports every problem, in every scope") {
    auto diagnostics = imgtrust::collect_policy_errors(R"({
        "default": [{"type": "signedBy", "keyPath": "/k", "extra": 1}],
        "transports": {
            "dir": {"relative": [{"type": "reject"}], "/ok": []},
            "docker": {"example.com": [{"type": "sigstoreSigned", "keyPaths": []}, {"type": "nope"}]}
        },
        "unknown": true})");
    std::vector<std::string> locations;
    for (const auto& d : diagnostics) {
        CHECK(d.severity == imgtrust::PolicyDiagnostic::Severity::error);
        locations.push_back(d.location);
    }
    CHECK(locations == std::vector<std::string>{"unknown", "default[0].extra", "default[0].keyType", R"(transports.dir["relative"])",
                                                R"(transports.dir["/ok"])", R"(transports.docker["example.com"][0].keyPaths)",
                                                R"(transports.docker["example.com"][1].type)"});
    CHECK(imgtrust::collect_policy_errors(R"({"default": [{"type": "reject"}]})").empty());
}

TEST_CASE("requirement and identity kind names are the policy.json spellings") {
    CHECK(std::string(imgtrust::requirement_type_name(imgtrust::InsecureAcceptAnythingRequirement{})) == "insecureAcceptAnything");
    CHECK(std::string(imgtrust::requirement_type_name(imgtrust::SignedBaseLayerRequirement{})) == "signedBaseLayer");
    CHECK(std::string(imgtrust::requirement_type_name(imgtrust::SigstoreSignedRequirement{})) == "sigstoreSigned");
    CHECK(std::string(imgtrust::identity_kind_name(SignedIdentity::Kind::match_repo_digest_or_exact)) == "matchRepoDigestOrExact");
    CHECK(std::string(imgtrust::identity_kind_name(SignedIdentity::Kind::exact_reference)) == "exactReference");
    CHECK(std::string(imgtrust::identity_kind_name(SignedIdentity::Kind::remap_identity)) == "remapIdentity");
}
