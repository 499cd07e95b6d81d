// Certificate identities on the CI leaves of tests/fixtures/keyless/ci (see its
// README): which SANs cosign compares and in what form, the Fulcio extensions
// and which OIDs the cosign flags read, and expected-versus-found rejections.
#include <catch2/catch.hpp>

#include "imgtrust/errors.hpp"
#include "keyless_test_support.hpp"
#include "signature/certificate_identity.hpp"
#include "signature/fulcio.hpp"
#include "signature/pki.hpp"
#include "signature/rejection.hpp"

using namespace imgtrust::signature;
using keyless_test::keyless;

namespace {

const std::string workflow = "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main";
const std::string github_issuer = "https://token.actions.githubusercontent.com";

Certificate ci_leaf(const std::string& name) { return parse_leaf_certificate_pem(keyless("ci/leaves/" + name + ".pem")); }

IdentityMatch match(const std::string& leaf, IdentityRequirementSpec spec) {
    return match_certificate_identity(ci_leaf(leaf), IdentityRequirement(std::move(spec)));
}

std::string rejection(const std::string& leaf, IdentityRequirementSpec spec) {
    try {
        match(leaf, std::move(spec));
    } catch (const SignatureRejected& e) {
        return e.what();
    }
    return "";
}

IdentityRequirementSpec cosign(const std::string& identity, const std::string& issuer) {
    IdentityRequirementSpec spec;
    spec.subject = identity;
    spec.oidc_issuer = issuer;
    return spec;
}

std::vector<std::string> san_texts(const Certificate& certificate) {
    std::vector<std::string> texts;
    for (const auto& san : certificate_subject_alternative_names(certificate)) texts.push_back(std::string(san_type_name(san.type)) + ":" + san.value);
    return texts;
}

}  // namespace

TEST_CASE("SANs are listed as cosign's GetSubjectAlternateNames lists them") {
    CHECK(san_texts(ci_leaf("ci-github")) == std::vector<std::string>{"URI:" + workflow});
    CHECK(san_texts(ci_leaf("ci-email-and-uri")) == std::vector<std::string>{"email:builder@example.com", "URI:" + workflow});
    CHECK(san_texts(ci_leaf("ci-dns")) == std::vector<std::string>{"DNS:builder.example.com"});
    // net.IP.String: an IPv4-mapped IPv6 address prints as a dotted quad.
    CHECK(san_texts(ci_leaf("ci-ip")) == std::vector<std::string>{"IP:192.0.2.7", "IP:2001:db8::7", "IP:198.51.100.1"});
    CHECK(san_texts(ci_leaf("ci-username")) == std::vector<std::string>{"otherName:ci-user"});
}

TEST_CASE("Fulcio extensions: .1.1-.1.6 raw, .1.8 onward DER strings; malformed ones recorded, not fatal") {
    FulcioExtensions github = read_fulcio_extensions(ci_leaf("ci-github"));
    CHECK(github.issuer_v1 == github_issuer);
    CHECK(github.issuer_v2 == github_issuer);
    CHECK(github.github_workflow_trigger == "push");
    CHECK(github.github_workflow_sha == "0123456789abcdef0123456789abcdef01234567");
    CHECK(github.github_workflow_name == "Release");
    CHECK(github.github_workflow_repository == "o/r");
    CHECK(github.github_workflow_ref == "refs/heads/main");
    CHECK(github.build_signer_uri == workflow);
    CHECK(github.runner_environment == "github-hosted");
    CHECK(github.source_repository_uri == "https://github.com/o/r");
    CHECK(github.source_repository_ref == "refs/heads/main");
    CHECK(github.build_trigger == "push");
    CHECK(github.source_repository_visibility_at_signing == "public");
    CHECK(github.malformed.empty());
    auto present = github.present();
    REQUIRE(present.size() == 21);  // .1.1-.1.6, .1.8-.1.22
    CHECK(present[4].oid == "1.3.6.1.4.1.57264.1.5");
    CHECK(present[4].name == "githubWorkflowRepository");
    CHECK(present[7].name == "buildSignerURI");

    FulcioExtensions modern = read_fulcio_extensions(ci_leaf("ci-github-modern-only"));
    CHECK_FALSE(modern.issuer_v1);
    CHECK_FALSE(modern.github_workflow_repository);
    CHECK(modern.source_repository_uri == "https://github.com/o/r");

    FulcioExtensions malformed = read_fulcio_extensions(ci_leaf("ci-github-malformed-build-signer"));
    CHECK_FALSE(malformed.build_signer_uri);
    CHECK(malformed.malformed == std::vector<std::string>{"1.3.6.1.4.1.57264.1.9"});
}

TEST_CASE("--certificate-identity matches any SAN type exactly, as cosign does") {
    auto uri = match("ci-github", cosign(workflow, github_issuer));
    REQUIRE(uri.matched_san);
    CHECK(uri.matched_san->type == SanType::uri);
    CHECK(uri.oidc_issuer == github_issuer);
    CHECK(match("ci-email", cosign("builder@example.com", "https://accounts.example.com")).matched_san->type == SanType::email);
    CHECK(match("ci-email-and-uri", cosign(workflow, github_issuer)).matched_san->type == SanType::uri);
    CHECK(match("ci-dns", cosign("builder.example.com", "https://accounts.example.com")).matched_san->type == SanType::dns);
    CHECK(match("ci-ip", cosign("198.51.100.1", "https://accounts.example.com")).matched_san->value == "198.51.100.1");
    CHECK(match("ci-ip", cosign("2001:db8::7", "https://accounts.example.com")).matched_san->type == SanType::ip);
    CHECK(match("ci-username", cosign("ci-user", "https://accounts.example.com")).matched_san->type == SanType::other_name);
    // Exact means exact: no prefix, no case folding, no other IP spelling.
    CHECK(rejection("ci-github", cosign("https://github.com/o/r/.github/workflows/x.yml", github_issuer)) ==
          "Certificate subject: no subject alternative name equals \"https://github.com/o/r/.github/workflows/x.yml\" (found URI \"" +
              workflow + "\")");
    CHECK_FALSE(rejection("ci-dns", cosign("BUILDER.example.com", "https://accounts.example.com")).empty());
    CHECK_FALSE(rejection("ci-ip", cosign("::ffff:198.51.100.1", "https://accounts.example.com")).empty());
}

TEST_CASE("c/image's subjectEmail stays email-only; subjectURI is URI-only") {
    IdentityRequirementSpec email_only;
    email_only.subject_email = "builder@example.com";
    email_only.oidc_issuer = github_issuer;
    CHECK(match("ci-email-and-uri", email_only).matched_san->type == SanType::email);
    email_only.subject_email = workflow;  // a URI given as an email matches nothing
    CHECK(rejection("ci-email-and-uri", email_only) ==
          "Required email \"" + workflow + "\" not found (got [\"builder@example.com\"])");
    IdentityRequirementSpec uri_only;
    uri_only.subject_uri = "builder@example.com";
    uri_only.oidc_issuer = github_issuer;
    CHECK(rejection("ci-email-and-uri", uri_only) ==
          "Certificate subject: no URI subject alternative name equals \"builder@example.com\" (got URIs [\"" + workflow + "\"])");
    uri_only.subject_uri = workflow;
    CHECK(match("ci-email-and-uri", uri_only).matched_san->value == workflow);
}

TEST_CASE("regexps are unanchored RE2, on every SAN and on the issuer") {
    IdentityRequirementSpec spec;
    spec.subject_regexp = "github.com/o/r/";
    spec.oidc_issuer_regexp = "githubusercontent";
    CHECK(match("ci-github", spec).matched_san->value == workflow);
    // The unanchored trap, as cosign has it: the evil URI matches too.
    CHECK(match("ci-github-evil-uri", spec).matched_san->value.rfind("https://evil.example/", 0) == 0);
    spec.subject_regexp = "^https://github\\.com/o/r/\\.github/workflows/x\\.yml@refs/heads/main$";
    CHECK_NOTHROW(match("ci-github", spec));
    CHECK(rejection("ci-github-evil-uri", spec).find("no subject alternative name matches the RE2 pattern") != std::string::npos);
    spec.oidc_issuer_regexp = "^https://gitlab\\.com$";
    CHECK(rejection("ci-github", spec) == "Unexpected Fulcio OIDC issuer \"" + github_issuer +
                                              "\" (the policy requires a match of the RE2 pattern \"^https://gitlab\\\\.com$\")");
}

TEST_CASE("the --certificate-github-workflow-* flags read the deprecated .1.2-.1.6 extensions, exactly") {
    IdentityRequirementSpec spec = cosign(workflow, github_issuer);
    spec.github_workflow = {"push", "0123456789abcdef0123456789abcdef01234567", "Release", "o/r", "refs/heads/main"};
    CHECK(match("ci-github", spec).extensions.github_workflow_ref == "refs/heads/main");
    CHECK(rejection("ci-github-pull-request", spec) ==
          "Certificate extension githubWorkflowTrigger (1.3.6.1.4.1.57264.1.2): expected \"push\", found \"pull_request\"");
    // cosign v2.6 reads only the deprecated OIDs: a certificate with only the .1.9+ successors fails every flag.
    IdentityRequirementSpec repository_only = cosign(workflow, github_issuer);
    repository_only.github_workflow.repository = "o/r";
    CHECK(rejection("ci-github-modern-only", repository_only) ==
          "Certificate extension githubWorkflowRepository (1.3.6.1.4.1.57264.1.5): expected \"o/r\", found none");
}

TEST_CASE("buildSignerURI (.1.9), exact or RE2; a malformed one rejects only when required") {
    IdentityRequirementSpec spec;
    spec.oidc_issuer = github_issuer;
    spec.build_signer_uri = workflow;
    CHECK(match("ci-github", spec).extensions.build_signer_uri == workflow);
    CHECK(match("ci-github-modern-only", spec).oidc_issuer == github_issuer);
    CHECK(rejection("ci-github-other-ref", spec).find("expected \"" + workflow + "\", found \"https://github.com/o/r/.github/workflows/x.yml@refs/heads/dev\"") !=
          std::string::npos);
    CHECK(rejection("ci-github-malformed-build-signer", spec) ==
          "Certificate extension buildSignerURI (1.3.6.1.4.1.57264.1.9): malformed (not one DER string)");
    CHECK_NOTHROW(match("ci-github-malformed-build-signer", cosign(workflow, github_issuer)));
    spec.build_signer_uri.clear();
    spec.build_signer_uri_regexp = "^https://github\\.com/o/r/.*@refs/heads/main$";
    CHECK_NOTHROW(match("ci-github", spec));
    CHECK(rejection("ci-gitlab", spec).find("found none") != std::string::npos);
}

TEST_CASE("every failed rule is listed, issuer first, with expected versus found") {
    IdentityRequirementSpec spec = cosign(workflow, "https://gitlab.com");
    spec.github_workflow.ref = "refs/heads/main";
    CHECK(rejection("ci-github-other-ref", spec) ==
          "Unexpected Fulcio OIDC issuer \"" + github_issuer + "\" (the policy requires \"https://gitlab.com\"); "
          "Certificate subject: no subject alternative name equals \"" + workflow +
              "\" (found URI \"https://github.com/o/r/.github/workflows/x.yml@refs/heads/dev\"); "
              "Certificate extension githubWorkflowRef (1.3.6.1.4.1.57264.1.6): expected \"refs/heads/main\", found \"refs/heads/dev\"");
}

TEST_CASE("requirements are validated once: RE2 errors, conflicts, no implicit any-identity") {
    IdentityRequirementSpec bad;
    bad.subject_regexp = "(";
    CHECK_THROWS_AS(IdentityRequirement(bad), imgtrust::ConfigError);
    CHECK_THROWS_WITH(IdentityRequirement(bad), "invalid subject regexp \"(\": missing ): (");
    IdentityRequirementSpec both = cosign(workflow, github_issuer);
    both.subject_regexp = "x";
    CHECK_THROWS_WITH(IdentityRequirement(both), Catch::Contains("cannot both be given"));
    IdentityRequirementSpec issuer_only;
    issuer_only.oidc_issuer = github_issuer;
    CHECK_THROWS_WITH(IdentityRequirement(issuer_only), Catch::Contains("needs a subject"));
    IdentityRequirementSpec unanchored;
    unanchored.subject_regexp = "github.com/o";
    unanchored.oidc_issuer_regexp = "^https://token\\.actions\\.githubusercontent\\.com$";
    auto warnings = IdentityRequirement(unanchored).unanchored_pattern_warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].rfind("subject regexp \"github.com/o\" is not anchored", 0) == 0);
    CHECK(IdentityRequirement(unanchored).describe() ==
          "subject (any SAN) matching \"github.com/o\", OIDC issuer matching \"^https://token\\\\.actions\\\\.githubusercontent\\\\.com$\"");
}

TEST_CASE("fulcio and pki trust roots carry the identity into the summary") {
    FulcioTrustRoot trust{collect_pool_certificates_pem(keyless("ci/fulcio-root.pem")), github_issuer, "", nullptr};
    trust.identity = std::make_shared<const IdentityRequirement>(cosign(workflow, github_issuer));
    auto verified = verify_fulcio_certificate_at_time(trust, 1700000030, keyless("ci/leaves/ci-github.pem"),
                                                      keyless("ci/fulcio-intermediate.pem") + keyless("ci/fulcio-root.pem"));
    CHECK(verified.summary.matched_san == "URI:" + workflow);
    CHECK(verified.summary.oidc_issuer == github_issuer);
    CHECK(verified.summary.fulcio_extensions.size() == 21);
    // c/image's two fields alone still mean issuer + email SAN.
    FulcioTrustRoot email_rule{collect_pool_certificates_pem(keyless("ci/fulcio-root.pem")), github_issuer, workflow, nullptr};
    CHECK_THROWS_WITH(verify_fulcio_certificate_at_time(email_rule, 1700000030, keyless("ci/leaves/ci-github.pem"),
                                                        keyless("ci/fulcio-intermediate.pem") + keyless("ci/fulcio-root.pem")),
                      "Required email \"" + workflow + "\" not found (got [])");
}
