// `imgtrust policy show`'s summary: scopes in podman's order, requirement types
// with podman's names, keys as the policy names them, identities, and the
// registries.d lookaside of docker scopes.
#include <catch2/catch.hpp>

#include "../registry/scratch_dir.hpp"
#include "config/registries_d.hpp"
#include "policy/policy_summary.hpp"

using imgtrust::policy::PolicySummary;
using imgtrust::policy::ScopeSummary;
using imgtrust::policy::summarize_policy;

namespace {

PolicySummary summary_of(const std::string& json, const imgtrust::config::RegistriesDirectory& registries = {}) {
    return summarize_policy(imgtrust::parse_policy(json, "test.json"), registries);
}

const ScopeSummary& scope_named(const PolicySummary& summary, const std::string& transport, const std::string& scope) {
    for (const auto& entry : summary.scopes)
        if (!entry.is_default && entry.transport == transport && entry.scope == scope) return entry;
    FAIL("no scope " << transport << " " << scope);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("summary: every requirement type, with podman's names") {
    const auto summary = summary_of(R"({"default": [{"type": "reject"}], "transports": {"docker": {
        "a.example/accept": [{"type": "insecureAcceptAnything"}],
        "a.example/gpg": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k/gpg.pub"}],
        "a.example/cosign": [{"type": "sigstoreSigned", "keyPath": "/k/cosign.pub"}],
        "a.example/base": [{"type": "signedBaseLayer", "baseLayerIdentity": {"type": "exactRepository", "dockerRepository": "a.example/base"}}]
    }}})");
    REQUIRE(summary.source == "test.json");
    REQUIRE(summary.scopes.size() == 5);
    CHECK(summary.scopes[0].is_default);
    CHECK(summary.scopes[0].scope == "default");
    CHECK(summary.scopes[0].requirements.at(0).type == "reject");
    CHECK(summary.scopes[0].requirements.at(0).description == "reject");
    // transports and scopes in name order after the default, as podman sorts them
    CHECK(summary.scopes[1].scope == "a.example/accept");
    CHECK(summary.scopes[2].scope == "a.example/base");
    CHECK(summary.scopes[3].scope == "a.example/cosign");
    CHECK(summary.scopes[4].scope == "a.example/gpg");
    const auto& accept = summary.scopes[1].requirements.at(0);
    CHECK(accept.type == "insecureAcceptAnything");
    CHECK(accept.description == "accept");
    CHECK(accept.keys.empty());
    CHECK(accept.identity.empty());
    const auto& base = summary.scopes[2].requirements.at(0);
    CHECK(base.description == "signedBaseLayer");
    CHECK(base.identity == "exactRepository a.example/base");
    const auto& cosign = summary.scopes[3].requirements.at(0);
    CHECK(cosign.description == "sigstoreSigned");
    CHECK(cosign.keys == std::vector<std::string>{"/k/cosign.pub"});
    CHECK(cosign.identity == "matchRepoDigestOrExact");  // the default when signedIdentity is missing
    const auto& gpg = summary.scopes[4].requirements.at(0);
    CHECK(gpg.type == "signedBy");
    CHECK(gpg.description == "signed");
    CHECK(gpg.key_type == "GPGKeys");
    CHECK(gpg.keys == std::vector<std::string>{"/k/gpg.pub"});
}

TEST_CASE("summary: several transports and scopes, keyPaths and keyData, several requirements in one scope") {
    const auto summary = summary_of(R"({"default": [{"type": "insecureAcceptAnything"}], "transports": {
        "oci": {"": [{"type": "reject"}], "/srv/images": [
            {"type": "signedBy", "keyType": "GPGKeys", "keyPaths": ["/k/a.gpg", "/k/b.gpg"],
             "signedIdentity": {"type": "exactReference", "dockerReference": "a.example/app:v1"}},
            {"type": "sigstoreSigned", "keyData": "aGVsbG8=",
             "signedIdentity": {"type": "remapIdentity", "prefix": "mirror.example", "signedPrefix": "a.example"}},
            {"type": "sigstoreSigned", "keyDatas": ["aGk=", "aGVsbG8="]}]},
        "docker": {"a.example": [{"type": "sigstoreSigned", "keyPaths": ["/k/1.pub", "/k/2.pub"],
             "signedIdentity": {"type": "matchRepository"}}]}}})");
    REQUIRE(summary.scopes.size() == 4);
    CHECK(summary.scopes[1].transport == "docker");
    CHECK(summary.scopes[2].transport == "oci");
    CHECK(summary.scopes[2].scope.empty());  // the transport's own default scope
    const auto& layout = scope_named(summary, "oci", "/srv/images");
    REQUIRE(layout.requirements.size() == 3);
    CHECK(layout.requirements[0].keys == std::vector<std::string>{"/k/a.gpg", "/k/b.gpg"});
    CHECK(layout.requirements[0].identity == "exactReference a.example/app:v1");
    CHECK(layout.requirements[1].keys == std::vector<std::string>{"keyData (5 bytes)"});
    CHECK(layout.requirements[1].identity == "remapIdentity mirror.example -> a.example");
    CHECK(layout.requirements[2].keys == std::vector<std::string>{"keyDatas (2 bytes)", "keyDatas (5 bytes)"});
    CHECK(layout.lookaside.empty());  // registries.d is only for docker images
    const auto& host = scope_named(summary, "docker", "a.example");
    CHECK(host.requirements.at(0).keys == std::vector<std::string>{"/k/1.pub", "/k/2.pub"});
    CHECK(host.requirements.at(0).identity == "matchRepository");
}

TEST_CASE("summary: fulcio and pki trust and certificate identities") {
    const auto summary = summary_of(R"({"default": [
        {"type": "sigstoreSigned", "fulcio": {"caPath": "/ca.pem", "oidcIssuer": "https://issuer", "subjectEmail": "a@b.c"},
         "rekorPublicKeyPath": "/rekor.pub", "signedIdentity": {"type": "matchRepository"}},
        {"type": "sigstoreSigned", "pki": {"caRootsData": "aGVsbG8=", "caIntermediatesPath": "/i.pem", "subjectHostname": "h.example"}},
        {"type": "sigstoreSigned", "keyPath": "/k.pub", "rekorPublicKeyPaths": ["/r1", "/r2"]},
        {"type": "sigstoreSigned", "keyPath": "/k.pub", "rekorPublicKeyDatas": ["aGk="]}
    ]})");
    const auto& requirements = summary.scopes.at(0).requirements;
    REQUIRE(requirements.size() == 4);
    CHECK(requirements[0].keys == std::vector<std::string>{"fulcio CA /ca.pem", "rekor key /rekor.pub"});
    CHECK(requirements[0].certificate_identity == std::vector<std::string>{"oidcIssuer=https://issuer", "subjectEmail=a@b.c"});
    CHECK(requirements[0].identity == "matchRepository");
    CHECK(requirements[1].keys == std::vector<std::string>{"pki CA roots caRootsData (5 bytes)", "pki CA intermediates /i.pem"});
    CHECK(requirements[1].certificate_identity == std::vector<std::string>{"subjectHostname=h.example"});
    CHECK(requirements[2].keys == std::vector<std::string>{"/k.pub", "rekor key /r1", "rekor key /r2"});
    CHECK(requirements[2].certificate_identity.empty());
    CHECK(requirements[3].keys == std::vector<std::string>{"/k.pub", "rekor key rekorPublicKeyDatas (2 bytes)"});
}

TEST_CASE("summary: the lookaside of docker scopes comes from registries.d, most specific section first") {
    ScratchDir dir;
    dir.write("registries.d/a.yaml", "default-docker:\n  lookaside: https://default.example/sigs\n"
                                    "docker:\n  a.example:\n    lookaside: https://host.example/sigs\n"
                                    "  a.example/team:\n    lookaside: https://team.example/sigs\n");
    const auto registries = imgtrust::config::load_registries_d_from(dir.file("registries.d"));
    const auto summary = summary_of(R"({"default": [{"type": "reject"}], "transports": {
        "docker": {"a.example/team/app": [{"type": "reject"}], "a.example/other": [{"type": "reject"}],
                   "a.example": [{"type": "reject"}], "b.example/app:v1": [{"type": "reject"}],
                   "*.c.example": [{"type": "reject"}]},
        "dir": {"/srv": [{"type": "reject"}]}}})", registries);
    CHECK(summary.scopes.at(0).lookaside == "https://default.example/sigs");
    CHECK(summary.scopes.at(0).lookaside_source == "default-docker");
    CHECK(scope_named(summary, "docker", "a.example/team/app").lookaside == "https://team.example/sigs");
    CHECK(scope_named(summary, "docker", "a.example/team/app").lookaside_source == "docker namespace a.example/team");
    CHECK(scope_named(summary, "docker", "a.example/other").lookaside == "https://host.example/sigs");
    CHECK(scope_named(summary, "docker", "a.example").lookaside == "https://host.example/sigs");
    CHECK(scope_named(summary, "docker", "b.example/app:v1").lookaside == "https://default.example/sigs");
    CHECK(scope_named(summary, "docker", "*.c.example").lookaside == "https://default.example/sigs");
    CHECK(scope_named(summary, "dir", "/srv").lookaside.empty());
}

TEST_CASE("summary: without registries.d sections docker scopes use the built-in lookaside") {
    const auto summary = summary_of(R"({"default": [{"type": "reject"}], "transports": {"docker": {"a.example/app": [{"type": "reject"}]}}})");
    const auto& scope = scope_named(summary, "docker", "a.example/app");
    CHECK(scope.lookaside_source == "built-in default");
    CHECK(scope.lookaside.rfind("file://", 0) == 0);
    CHECK(summary.scopes.at(0).lookaside == scope.lookaside);
}
