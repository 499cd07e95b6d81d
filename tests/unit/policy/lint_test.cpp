// The policy linter: errors as the parser reports them, plus precise warnings.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "policy/lint.hpp"

using imgtrust::PolicyDiagnostic;

namespace {

std::vector<PolicyDiagnostic> warnings_of(const std::string& json) {
    auto diagnostics = imgtrust::policy::lint_policy(json, "test.json");
    for (const auto& d : diagnostics) {
        INFO(d.location + ": " + d.message);
        REQUIRE(d.severity == PolicyDiagnostic::Severity::warning);
    }
    return diagnostics;
}

std::string key_file() { return fixture_path("keys/gpg-trusted.gpg"); }

std::string signed_by(const std::string& key) {
    return R"({"type": "signedBy", "keyType": "GPGKeys", "keyPath": ")" + key + R"("})";
}

const std::string insecure = R"({"type": "insecureAcceptAnything"})";

}  // namespace

TEST_CASE("lint: a strict policy with existing key files has no warnings") {
    auto diagnostics = warnings_of(R"({"default": [{"type": "reject"}], "transports": {"docker": {"example.com": [)" +
                                   signed_by(key_file()) + R"(], "": [{"type": "reject"}]}}})");
    CHECK(diagnostics.empty());
}

TEST_CASE("lint: invalid policies give every error and no warnings") {
    auto diagnostics = imgtrust::policy::lint_policy(R"({"default": [{"type": "insecureAcceptAnything"}, {"type": "x"}], "y": 1})",
                                                     "test.json");
    REQUIRE(diagnostics.size() == 2);
    CHECK(diagnostics[0].location == "y");
    CHECK(diagnostics[1].location == "default[1].type");
    for (const auto& d : diagnostics) CHECK(d.severity == PolicyDiagnostic::Severity::error);
}

TEST_CASE("lint: insecureAcceptAnything alone in default or a scope warns; next to other requirements it does not") {
    auto diagnostics = warnings_of(R"({"default": [)" + insecure + R"(], "transports": {"docker-daemon": {"": [)" + insecure +
                                   R"(]}, "docker": {"example.com": [)" + insecure + "," + signed_by(key_file()) + "]}}}");
    REQUIRE(diagnostics.size() == 2);
    CHECK(diagnostics[0].location == "default");
    CHECK_THAT(diagnostics[0].message, Catch::Contains("without any signature verification"));
    CHECK(diagnostics[1].location == R"(transports["docker-daemon"][""])");
}

TEST_CASE("lint: a scope that drops the signature requirement of its enclosing scope is reported as shadowing") {
    struct Case {
        std::string transport, outer, inner;
    };
    for (const Case& c : {Case{"docker", "example.com", "example.com/app"}, Case{"docker", "example.com/app", "example.com/app:dev"},
                          Case{"docker", "*.example.com", "registry.example.com:5000/app"}, Case{"docker", "", "example.com"},
                          Case{"dir", "/srv", "/srv/images/app"}, Case{"oci", "/srv", "/srv/oci"}}) {
        INFO(c.transport + " " + c.outer + " > " + c.inner);
        std::string outer = c.transport == "docker" ? signed_by(key_file())
                                                    : R"({"type": "signedBy", "keyType": "GPGKeys", "keyPath": ")" + key_file() +
                                                          R"(", "signedIdentity": {"type": "exactRepository", "dockerRepository": "x.example/app"}})";
        auto diagnostics = warnings_of(R"({"default": [{"type": "reject"}], "transports": {")" + c.transport + R"(": {")" + c.outer +
                                       R"(": [)" + outer + R"(], ")" + c.inner + R"(": [)" + insecure + "]}}}");
        REQUIRE(diagnostics.size() == 1);
        CHECK_THAT(diagnostics[0].location, Catch::Contains("\"" + c.inner + "\""));
        CHECK_THAT(diagnostics[0].message, Catch::Contains("overrides the signature requirements of the less specific scope \"" +
                                                           c.outer + "\""));
    }
}

TEST_CASE("lint: allowlisting under a reject scope, or a nearer insecure scope, is not shadowing") {
    auto allowlist = warnings_of(R"({"default": [{"type": "reject"}], "transports": {"docker": {"example.com": [{"type": "reject"}],
        "example.com/app": [)" + insecure + "]}}}");
    REQUIRE(allowlist.size() == 1);
    CHECK_THAT(allowlist[0].message, !Catch::Contains("overrides"));

    // Only the scope that would apply instead counts: here that is "example.com/team", itself insecure.
    auto nearest = warnings_of(R"({"default": [{"type": "reject"}], "transports": {"docker": {"example.com": [)" + signed_by(key_file()) +
                               R"(], "example.com/team": [)" + insecure + R"(], "example.com/team/app": [)" + insecure + "]}}}");
    REQUIRE(nearest.size() == 2);
    CHECK(nearest[0].location == R"(transports.docker["example.com/team"])");
    CHECK_THAT(nearest[0].message, Catch::Contains("overrides"));
    CHECK_THAT(nearest[1].message, !Catch::Contains("overrides"));
}

TEST_CASE("lint: unknown transports are reported once, and nothing inside them") {
    auto diagnostics = warnings_of(R"({"default": [{"type": "reject"}], "transports": {"dokcer": {"example.com": [)" + insecure + "]}}}");
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].location == "transports.dokcer");
    CHECK_THAT(diagnostics[0].message, Catch::Contains("unknown transport \"dokcer\""));
}

TEST_CASE("lint: docker scopes that are not fully expanded never match") {
    auto diagnostics = warnings_of(R"({"default": [{"type": "reject"}], "transports": {"docker": {"busybox": [{"type": "reject"}],
        "library/busybox": [{"type": "reject"}], "localhost/app": [{"type": "reject"}], "quay.io/x": [{"type": "reject"}]}}})");
    REQUIRE(diagnostics.size() == 2);
    CHECK_THAT(diagnostics[0].message, Catch::Contains("\"docker.io/library/busybox\""));
    CHECK(diagnostics[1].location == R"(transports.docker["library/busybox"])");
    CHECK_THAT(diagnostics[1].message, Catch::Contains("\"docker.io/library/busybox\""));
}

TEST_CASE("lint: sigstoreSigned with the default identity explains the cosign repository-only trap") {
    std::string key = fixture_path("keys/ecdsa-p256.pub");
    auto diagnostics = warnings_of(R"({"default": [{"type": "sigstoreSigned", "keyPath": ")" + key + R"("},
        {"type": "sigstoreSigned", "keyPath": ")" + key + R"(", "signedIdentity": {"type": "matchRepository"}}]})");
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].location == "default[0]");
    CHECK_THAT(diagnostics[0].message, Catch::Contains("cosign") && Catch::Contains("matchRepository"));
}

TEST_CASE("lint: missing key files and requirements that reject every image") {
    auto diagnostics = warnings_of(R"({"default": [
        {"type": "signedBy", "keyType": "GPGKeys", "keyPaths": [")" + key_file() + R"(", "/nonexistent/key.gpg"]},
        {"type": "signedBy", "keyType": "GPGKeys", "keyPaths": []},
        {"type": "signedBy", "keyType": "X509Certificates", "keyPath": ")" + key_file() + R"("},
        {"type": "sigstoreSigned", "keyData": "AAAA", "rekorPublicKeyPath": "relative/rekor.pub", "signedIdentity": {"type": "matchRepository"}},
        {"type": "signedBaseLayer", "baseLayerIdentity": {"type": "matchRepository"}}]})");
    REQUIRE(diagnostics.size() == 5);
    CHECK(diagnostics[0].location == "default[0].keyPaths[1]");
    CHECK_THAT(diagnostics[0].message, Catch::Contains("\"/nonexistent/key.gpg\" does not exist"));
    CHECK(diagnostics[1].location == "default[1].keyPaths");
    CHECK_THAT(diagnostics[1].message, Catch::Contains("rejects every image"));
    CHECK(diagnostics[2].location == "default[2].keyType");
    CHECK(diagnostics[3].location == "default[3].rekorPublicKeyPath");
    CHECK_THAT(diagnostics[3].message, Catch::Contains("relative path"));
    CHECK(diagnostics[4].location == "default[4]");
}

TEST_CASE("lint: in dir: and oci: scopes only exactReference and exactRepository can match") {
    std::string key = fixture_path("keys/ecdsa-p256.pub");
    auto diagnostics = warnings_of(R"({"default": [{"type": "reject"}], "transports": {"oci": {"/srv/oci": [
        {"type": "sigstoreSigned", "keyPath": ")" + key + R"("},
        {"type": "sigstoreSigned", "keyPath": ")" + key + R"(", "signedIdentity": {"type": "exactRepository", "dockerRepository": "example.com/app"}},
        {"type": "signedBy", "keyType": "GPGKeys", "keyPath": ")" + key_file() + R"(", "signedIdentity": {"type": "matchRepository"}}]}}})");
    REQUIRE(diagnostics.size() == 2);
    CHECK(diagnostics[0].location == R"(transports.oci["/srv/oci"][0])");
    CHECK_THAT(diagnostics[0].message, Catch::Contains("matchRepoDigestOrExact never matches oci: images"));
    CHECK(diagnostics[1].location == R"(transports.oci["/srv/oci"][2])");
    CHECK_THAT(diagnostics[1].message, Catch::Contains("matchRepository never matches"));
}

TEST_CASE("lint: a docker scope no valid reference can reach is a warning, not an error (audit F10)") {
    const std::string long_scope = "quay.io/" + std::string(1000000, 'a');
    auto diagnostics = warnings_of(R"({"default": [{"type": "reject"}], "transports": {"docker": {")" + long_scope +
                                   R"(": [{"type": "reject"}], "quay.io/App": [{"type": "reject"}], "quay.io/ok:v1": [{"type": "reject"}]}}})");
    REQUIRE(diagnostics.size() == 2);
    CHECK(diagnostics[0].location == R"(transports.docker["quay.io/App"])");
    CHECK_THAT(diagnostics[0].message, Catch::Contains("never matches any image"));
    CHECK_THAT(diagnostics[1].message, Catch::Contains("never matches any image") && Catch::Contains("255 characters"));
    CHECK(diagnostics[1].message.size() < 400);
}
