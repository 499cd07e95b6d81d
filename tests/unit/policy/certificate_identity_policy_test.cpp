// The imgtrust identity extensions of "fulcio" and "pki" (docs/keyless-ci-identities.md):
// what they parse into, their strictness, c/image's own rules unchanged without them, and lint.
#include <catch2/catch.hpp>

#include <algorithm>

#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"

using imgtrust::PolicyDiagnostic;

namespace {

std::string with_fulcio(const std::string& fields) {
    return R"({"default": [{"type": "sigstoreSigned", "rekorPublicKeyPath": "/rekor.pub", "fulcio": {"caPath": "/ca.pem", )" +
           fields + "}}]}";
}

std::string with_pki(const std::string& fields) {
    return R"({"default": [{"type": "sigstoreSigned", "pki": {"caRootsPath": "/roots.pem", )" + fields + "}}]}";
}

std::vector<std::string> errors(const std::string& json) {
    std::vector<std::string> found;
    for (const auto& d : imgtrust::collect_policy_errors(json)) found.push_back(d.location + ": " + d.message);
    return found;
}

bool has_warning(const std::string& json, const std::string& part) {
    auto diagnostics = imgtrust::lint_policy(json, "test");
    return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const PolicyDiagnostic& d) {
        return d.severity == PolicyDiagnostic::Severity::warning && (d.location + ": " + d.message).find(part) != std::string::npos;
    });
}

const imgtrust::FulcioTrust& fulcio_of(const imgtrust::Policy& policy) {
    return *std::get<imgtrust::SigstoreSignedRequirement>(policy.default_requirements.at(0).value).fulcio;
}

}  // namespace

TEST_CASE("fulcio identity extensions parse into CertificateIdentityExtensions") {
    auto policy = imgtrust::parse_policy(with_fulcio(R"("oidcIssuerRegExp": "^https://token\\.actions\\.githubusercontent\\.com$",
        "subjectURI": "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main", "buildSignerURIRegExp": "^https://github\\.com/o/",
        "githubWorkflowTrigger": "push", "githubWorkflowSha": "abc", "githubWorkflowName": "Release",
        "githubWorkflowRepository": "o/r", "githubWorkflowRef": "refs/heads/main")"),
                                         "test");
    const auto& fulcio = fulcio_of(policy);
    CHECK(fulcio.oidc_issuer.empty());
    CHECK(fulcio.subject_email.empty());
    CHECK(fulcio.identity.oidc_issuer_regexp == "^https://token\\.actions\\.githubusercontent\\.com$");
    CHECK(fulcio.identity.subject_uri == "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main");
    CHECK(fulcio.identity.build_signer_uri_regexp == "^https://github\\.com/o/");
    CHECK(fulcio.identity.github_workflow_repository == "o/r");
    CHECK(fulcio.identity.github_workflow_ref == "refs/heads/main");
    CHECK(fulcio.identity.any());
}

TEST_CASE("without extensions, c/image's fulcio rules and messages are unchanged") {
    CHECK(errors(with_fulcio(R"("oidcIssuer": "https://i")")) ==
          std::vector<std::string>{"default[0].fulcio.subjectEmail: missing \"subjectEmail\": fulcio requires the expected signer email"});
    CHECK(errors(with_fulcio(R"("subjectEmail": "a@b.c")")) ==
          std::vector<std::string>{"default[0].fulcio.oidcIssuer: missing \"oidcIssuer\": fulcio requires the expected OIDC issuer"});
    CHECK(errors(with_fulcio(R"("oidcIssuer": "", "subjectEmail": "a@b.c")")) ==
          std::vector<std::string>{"default[0].fulcio.oidcIssuer: must not be empty"});
    CHECK_FALSE(imgtrust::parse_policy(with_fulcio(R"("oidcIssuer": "https://i", "subjectEmail": "a@b.c")"), "test")
                    .default_requirements.empty());
}

TEST_CASE("extension strictness: conflicts, empty values, RE2 errors, pki's allowed subset") {
    CHECK(errors(with_fulcio(R"("oidcIssuer": "i", "subject": "s", "subjectRegExp": "r")")) ==
          std::vector<std::string>{"default[0].fulcio: subject and subjectRegExp cannot be used simultaneously"});
    CHECK(errors(with_fulcio(R"("oidcIssuer": "i", "oidcIssuerRegExp": "r", "subject": "s")")) ==
          std::vector<std::string>{"default[0].fulcio: oidcIssuer and oidcIssuerRegExp cannot be used simultaneously"});
    CHECK(errors(with_fulcio(R"("oidcIssuer": "i", "buildSignerURI": "u", "buildSignerURIRegExp": "r")")) ==
          std::vector<std::string>{"default[0].fulcio: buildSignerURI and buildSignerURIRegExp cannot be used simultaneously"});
    CHECK(errors(with_fulcio(R"("oidcIssuer": "i", "subjectURI": "")")) ==
          std::vector<std::string>{"default[0].fulcio.subjectURI: must not be empty"});
    CHECK(errors(with_fulcio(R"("oidcIssuer": "i", "subjectRegExp": "a{1001}")")) ==
          std::vector<std::string>{"default[0].fulcio.subjectRegExp: invalid RE2 regular expression: invalid repetition size: {1001}"});
    CHECK(errors(with_fulcio(R"("oidcIssuer": "i", "githubWorkflowRef": "refs/heads/main")")).size() == 1);  // no subject rule
    CHECK(errors(with_pki(R"("subjectURI": "https://ci.example.com/job")")).empty());
    CHECK(errors(with_pki(R"("subjectRegExp": "^x$", "subjectHostname": "h")")).empty());
    CHECK_FALSE(errors(with_pki(R"("subject": "s", "buildSignerURI": "u")")).empty());  // fulcio-only field
    CHECK(errors(with_pki(R"("subjectHostname": "")")) ==
          std::vector<std::string>{"default[0].pki: at least one of subjectEmail and subjectHostname must be specified (and not empty)"});
}

TEST_CASE("lint: every extension is not portable; unanchored patterns are warned about") {
    const std::string json = with_fulcio(R"("oidcIssuer": "https://i", "subjectRegExp": "github.com/o", "githubWorkflowRef": "r")");
    CHECK(has_warning(json, "default[0].fulcio.subjectRegExp: subjectRegExp is an imgtrust extension"));
    CHECK(has_warning(json, "default[0].fulcio.githubWorkflowRef: githubWorkflowRef is an imgtrust extension"));
    CHECK(has_warning(json, "default[0].fulcio.subjectRegExp: \"github.com/o\" is not anchored"));
    const std::string anchored = with_fulcio(R"("oidcIssuer": "https://i", "subjectRegExp": "^https://github\\.com/o/[^/]+$")");
    CHECK_FALSE(has_warning(anchored, "is not anchored"));
    CHECK_FALSE(has_warning(with_fulcio(R"("oidcIssuer": "https://i", "subjectEmail": "a@b.c")"), "imgtrust extension"));
}
