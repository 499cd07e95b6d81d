// imgtrust validate's in-memory keyless (fulcio + Rekor) and PKI policies, and
// the strict checks on how their command-line options combine.
#include <catch2/catch.hpp>

#include <string>

#include "../fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "imgtrust/verify.hpp"
#include "validate/status.hpp"
#include "validate/validation_policy.hpp"
#include "validation_policy_support.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

std::string keyless(const std::string& name) { return fixture_path("keyless/" + name); }

TrustOptions fulcio_options() {
    TrustOptions options;
    options.fulcio_ca_path = keyless("fulcio-root.pem");
    options.rekor_key_paths = {keyless("rekor.pub")};
    options.certificate_oidc_issuer = "https://oidc.example.com";
    options.certificate_identity = "signer@example.com";
    return options;
}

TrustOptions pki_options() {
    TrustOptions options;
    options.ca_roots_path = keyless("pki-root.pem");
    options.certificate_identity = "pki-signer@example.com";
    return options;
}

}  // namespace

TEST_CASE("validation policy: keyless options build fulcio with a mandatory Rekor key") {
    TrustOptions options = fulcio_options();
    options.exact_repository = "registry.example.com/app";
    Policy policy = build_validation_policy(options);
    const auto& requirement = docker_requirement(policy);
    REQUIRE(requirement.fulcio);
    CHECK(requirement.fulcio->ca_path == keyless("fulcio-root.pem"));
    CHECK_FALSE(requirement.fulcio->ca_data);
    CHECK(requirement.fulcio->oidc_issuer == "https://oidc.example.com");
    // --certificate-identity matches any SAN, as cosign does (issue 15): "subject", not c/image's email-only subjectEmail.
    CHECK(requirement.fulcio->subject_email.empty());
    CHECK(requirement.fulcio->identity.subject == "signer@example.com");
    CHECK(requirement.rekor_public_key_path == keyless("rekor.pub"));
    CHECK_FALSE(requirement.key_path);
    CHECK_FALSE(requirement.pki);
    CHECK(requirement.signed_identity.kind == SignedIdentity::Kind::exact_repository);
    CHECK(std::get<SigstoreSignedRequirement>(policy.default_requirements.at(0).value).fulcio);
    CHECK(policy.source.find("fulcio (CA ") != std::string::npos);
    CHECK(trust_kind(options) == TrustKind::fulcio);

    options.rekor_key_paths.push_back(keyless("rekor-untrusted.pub"));
    const auto two = docker_requirement(build_validation_policy(options));
    REQUIRE(two.rekor_public_key_paths);
    CHECK(two.rekor_public_key_paths->size() == 2);
    CHECK_FALSE(two.rekor_public_key_path);
}

TEST_CASE("validation policy: PKI options build pki with roots, intermediates, email and hostname") {
    TrustOptions options = pki_options();
    options.ca_intermediates_path = keyless("pki-intermediate.pem");
    options.certificate_hostname = "signer.example.com";
    options.match_repository = true;
    const auto requirement = docker_requirement(build_validation_policy(options));
    REQUIRE(requirement.pki);
    CHECK(requirement.pki->ca_roots_path == keyless("pki-root.pem"));
    CHECK(requirement.pki->ca_intermediates_path == keyless("pki-intermediate.pem"));
    CHECK(requirement.pki->subject_email.empty());
    CHECK(requirement.pki->identity.subject == "pki-signer@example.com");
    CHECK(requirement.pki->subject_hostname == "signer.example.com");
    CHECK_FALSE(requirement.rekor_public_key_path);
    CHECK(requirement.signed_identity.kind == SignedIdentity::Kind::match_repository);

    TrustOptions hostname_only;
    hostname_only.ca_roots_path = keyless("pki-root.pem");
    hostname_only.certificate_hostname = "signer.example.com";
    const auto host = docker_requirement(build_validation_policy(hostname_only));
    REQUIRE(host.pki);
    CHECK(host.pki->subject_email.empty());
    CHECK(host.pki->identity.subject.empty());
    CHECK_FALSE(host.pki->ca_intermediates_path);
}

TEST_CASE("validation policy: a key with --rekor-public-key requires the SET too") {
    TrustOptions options;
    options.key_paths = {fixture_path("keys/ecdsa-p256.pub")};
    options.rekor_key_paths = {keyless("rekor.pub")};
    const auto requirement = docker_requirement(build_validation_policy(options));
    CHECK(requirement.key_path == fixture_path("keys/ecdsa-p256.pub"));
    CHECK(requirement.rekor_public_key_path == keyless("rekor.pub"));
}

TEST_CASE("validation policy: keyless and PKI combinations are refused with a clear message") {
    auto without = [](TrustOptions options, std::string TrustOptions::*field) {
        options.*field = "";
        return options;
    };
    TrustOptions no_rekor = fulcio_options();
    no_rekor.rekor_key_paths.clear();
    CHECK(refusal(no_rekor).find("needs --rekor-public-key") != std::string::npos);
    CHECK(refusal(without(fulcio_options(), &TrustOptions::fulcio_ca_path)).find("needs --fulcio-ca") != std::string::npos);
    CHECK(refusal(without(fulcio_options(), &TrustOptions::certificate_oidc_issuer)).find("needs --certificate-oidc-issuer") !=
          std::string::npos);
    CHECK(refusal(without(fulcio_options(), &TrustOptions::certificate_identity)).find("needs --certificate-identity") !=
          std::string::npos);

    TrustOptions keys_and_keyless = fulcio_options();
    keys_and_keyless.key_paths = {fixture_path("keys/ecdsa-p256.pub")};
    CHECK(refusal(keys_and_keyless).find("cannot be used together") != std::string::npos);
    TrustOptions keys_and_identity;
    keys_and_identity.key_paths = {fixture_path("keys/ecdsa-p256.pub")};
    keys_and_identity.certificate_identity = "signer@example.com";
    CHECK(refusal(keys_and_identity).find("cannot be used together") != std::string::npos);
    TrustOptions fulcio_and_pki = fulcio_options();
    fulcio_and_pki.ca_roots_path = keyless("pki-root.pem");
    CHECK(refusal(fulcio_and_pki).find("keyless (--fulcio-ca") != std::string::npos);
    TrustOptions keyless_and_policy = fulcio_options();
    keyless_and_policy.policy_path = "/x";
    CHECK(refusal(keyless_and_policy).find("use only one of") != std::string::npos);

    CHECK(refusal(without(pki_options(), &TrustOptions::ca_roots_path)).find("--certificate-identity needs keyless") !=
          std::string::npos);  // an identity alone names no trust
    TrustOptions intermediates_only;
    intermediates_only.ca_intermediates_path = keyless("pki-intermediate.pem");
    intermediates_only.certificate_identity = "pki-signer@example.com";
    CHECK(refusal(intermediates_only).find("PKI verification needs --ca-roots") != std::string::npos);
    CHECK(refusal(without(pki_options(), &TrustOptions::certificate_identity)).find("--certificate-identity VALUE (or --certificate-identity-regexp RE2) and/or") !=
          std::string::npos);
    TrustOptions pki_with_rekor = pki_options();
    pki_with_rekor.rekor_key_paths = {keyless("rekor.pub")};
    CHECK(refusal(pki_with_rekor).find("cannot be used with PKI") != std::string::npos);
    TrustOptions identity_only;
    identity_only.certificate_identity = "signer@example.com";
    CHECK(refusal(identity_only).find("--certificate-identity needs keyless") != std::string::npos);
    TrustOptions rekor_only;
    rekor_only.rekor_key_paths = {keyless("rekor.pub")};
    CHECK(refusal(rekor_only).find("--rekor-public-key needs") != std::string::npos);
}

TEST_CASE("validation policy: unusable keyless and PKI trust files are configuration errors") {
    TrustOptions rsa_rekor = fulcio_options();
    rsa_rekor.rekor_key_paths = {keyless("rekor-rsa.pub")};
    CHECK(refusal(rsa_rekor).find("not using ECDSA") != std::string::npos);
    TrustOptions key_as_ca = fulcio_options();
    key_as_ca.fulcio_ca_path = keyless("rekor.pub");
    CHECK(refusal(key_as_ca).find("no valid PEM CERTIFICATE") != std::string::npos);
    TrustOptions missing_ca = fulcio_options();
    missing_ca.fulcio_ca_path = keyless("does-not-exist.pem");
    CHECK(refusal(missing_ca).find("does not exist") != std::string::npos);
    TrustOptions missing_rekor = fulcio_options();
    missing_rekor.rekor_key_paths = {keyless("does-not-exist.pub")};
    CHECK(refusal(missing_rekor).find("does not exist") != std::string::npos);
    TrustOptions key_as_roots = pki_options();
    key_as_roots.ca_roots_path = keyless("rekor.pub");
    CHECK(refusal(key_as_roots).find("no valid PEM CERTIFICATE") != std::string::npos);
    TrustOptions key_as_intermediates = pki_options();
    key_as_intermediates.ca_intermediates_path = keyless("rekor.pub");
    CHECK(refusal(key_as_intermediates).find("--ca-intermediates") != std::string::npos);
}

// The kinds that keyless rejections carry, set where they are made (real
// evaluations of the keyless/ci images; their statuses: identity_parity_test.cpp).
TEST_CASE("status: certificate and Rekor SET rejections are untrusted-key, missing annotations invalid-signature") {
    auto first_signature = [](const TrustOptions& options, const std::string& image) {
        PolicyContext context(build_validation_policy(options));
        Verdict verdict = context.evaluate(*parse_image_reference("dir:" + image));
        REQUIRE_FALSE(verdict.requirements.empty());
        CHECK(verdict.requirements[0].rejection_kind == RejectionKind::signatures_rejected);
        REQUIRE_FALSE(verdict.requirements[0].signatures.empty());
        INFO(verdict.requirements[0].signatures[0].reason);
        return verdict.requirements[0].signatures[0];
    };
    TrustOptions ci;
    ci.fulcio_ca_path = keyless("ci/fulcio-root.pem");
    ci.rekor_key_paths = {keyless("ci/rekor.pub")};
    ci.certificate_identity = "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main";
    ci.certificate_oidc_issuer = "https://token.actions.githubusercontent.com";
    const std::string github = keyless("ci/images/ci-github");

    TrustOptions wrong_issuer = ci;
    wrong_issuer.certificate_oidc_issuer = "https://gitlab.com";
    CHECK(first_signature(wrong_issuer, github).rejection_kind == RejectionKind::untrusted_signer);
    TrustOptions wrong_identity = ci;
    wrong_identity.certificate_identity = "https://github.com/o/r/.github/workflows/x.yml";
    CHECK(first_signature(wrong_identity, github).rejection_kind == RejectionKind::untrusted_signer);
    TrustOptions other_ca = ci;
    other_ca.fulcio_ca_path = keyless("fulcio-other-root.pem");
    CHECK(first_signature(other_ca, github).rejection_kind == RejectionKind::untrusted_signer);
    // A key-signed signature without the Rekor bundle that fulcio requires.
    CHECK(first_signature(ci, fixture_path("images/sigstore-ecdsa-p256-app-v1")).rejection_kind == RejectionKind::invalid_signature);
    CHECK(signature_status(RejectionKind::untrusted_signer) == CheckStatus::untrusted_key);
}
