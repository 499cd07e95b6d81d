// Issue 16: every rejected signature and requirement carries the RejectionKind
// set where the rejection was made (include/imgtrust/verify.hpp). Each kind is
// produced here by evaluating a fixture image (tests/fixtures/images, README.md
// there says how each was made) under a policy, never by reading a message.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"

using namespace imgtrust;

namespace {

const std::string app_v1 = "registry.example.com/app:v1";  // the identity the fixtures sign (regenerate-images.sh)

SignedIdentity exact_reference(const std::string& reference) {
    SignedIdentity identity;
    identity.kind = SignedIdentity::Kind::exact_reference;
    identity.docker_reference = reference;
    return identity;
}

Policy default_policy(RequirementValue value) {
    Policy policy;
    policy.source = "memory";
    policy.default_requirements = {Requirement{std::move(value), "default[0]"}};
    return policy;
}

SignedByRequirement signed_by(const std::string& identity, const std::string& key_type = "GPGKeys") {
    SignedByRequirement requirement;
    requirement.key_type = key_type;
    requirement.key_path = fixture_path("keys/gpg-primary-only.gpg");
    requirement.signed_identity = exact_reference(identity);
    return requirement;
}

SigstoreSignedRequirement sigstore_signed(const std::string& identity) {
    SigstoreSignedRequirement requirement;
    requirement.key_path = fixture_path("keys/ecdsa-p256.pub");
    requirement.signed_identity = exact_reference(identity);
    return requirement;
}

// The first requirement's outcome for images/<image> under `policy`.
RequirementOutcome evaluate(Policy policy, const std::string& image, EvaluationOptions options = {}) {
    PolicyContext context(std::move(policy), std::move(options));
    Verdict verdict = context.evaluate(*parse_image_reference("dir:" + fixture_path("images/" + image)));
    REQUIRE_FALSE(verdict.requirements.empty());
    return verdict.requirements.front();
}

// The one signature's kind, after checking that the requirement says its signatures were rejected.
RejectionKind signature_kind(const RequirementOutcome& outcome) {
    CHECK(outcome.state == RequirementOutcome::State::rejected);
    CHECK(outcome.rejection_kind == RejectionKind::signatures_rejected);
    REQUIRE(outcome.signatures.size() == 1);
    CHECK_FALSE(outcome.signatures[0].accepted);
    return outcome.signatures[0].rejection_kind;
}

}  // namespace

TEST_CASE("rejection kind: requirements that look at no signature") {
    auto rejected = evaluate(default_policy(RejectRequirement{}), "gpg-valid-app-v1");
    CHECK(rejected.rejection_kind == RejectionKind::policy_reject);
    auto base_layer = evaluate(default_policy(SignedBaseLayerRequirement{}), "gpg-valid-app-v1");
    CHECK(base_layer.rejection_kind == RejectionKind::unsupported);
    auto no_signature = evaluate(default_policy(sigstore_signed(app_v1)), "unsigned");
    CHECK(no_signature.state == RequirementOutcome::State::rejected);
    CHECK(no_signature.rejection_kind == RejectionKind::no_signatures);
    CHECK(no_signature.signatures.empty());
    auto accepted = evaluate(default_policy(InsecureAcceptAnythingRequirement{}), "unsigned");
    CHECK(accepted.rejection_kind == RejectionKind::none);
}

TEST_CASE("rejection kind: signedBy, with each OpenPGP engine built in") {
    for (const char* engine : {"gpgme", "rnp"}) {
        EvaluationOptions options;
        options.openpgp_engine = engine;
        try {
            PolicyContext probe(default_policy(RejectRequirement{}), options);
        } catch (const ConfigError&) {
            continue;  // not built in
        }
        INFO("engine " << engine);
        auto accepted = evaluate(default_policy(signed_by(app_v1)), "gpg-valid-app-v1", options);
        CHECK(accepted.state == RequirementOutcome::State::accepted);
        CHECK(accepted.rejection_kind == RejectionKind::none);
        CHECK(accepted.signatures.at(0).rejection_kind == RejectionKind::none);
        // A key that is not in the trusted keyring: the engine's "No public key".
        CHECK(signature_kind(evaluate(default_policy(signed_by(app_v1)), "gpg-other-key-app-v1", options)) ==
              RejectionKind::untrusted_signer);
        CHECK(signature_kind(evaluate(default_policy(signed_by(app_v1)), "gpg-tampered-manifest", options)) ==
              RejectionKind::digest_mismatch);
        CHECK(signature_kind(evaluate(default_policy(signed_by("registry.example.com/app:v2")), "gpg-valid-app-v1", options)) ==
              RejectionKind::identity_mismatch);
        CHECK(signature_kind(evaluate(default_policy(signed_by(app_v1, "X509Certificates")), "gpg-valid-app-v1", options)) ==
              RejectionKind::unsupported);
    }
}

TEST_CASE("rejection kind: sigstoreSigned with a public key") {
    CHECK(evaluate(default_policy(sigstore_signed(app_v1)), "sigstore-ecdsa-p256-app-v1").rejection_kind == RejectionKind::none);
    CHECK(signature_kind(evaluate(default_policy(sigstore_signed(app_v1)), "sigstore-other-key-app-v1")) ==
          RejectionKind::untrusted_signer);
    CHECK(signature_kind(evaluate(default_policy(sigstore_signed(app_v1)), "sigstore-wrong-digest")) ==
          RejectionKind::digest_mismatch);
    CHECK(signature_kind(evaluate(default_policy(sigstore_signed("registry.example.com/app:v2")), "sigstore-ecdsa-p256-app-v1")) ==
          RejectionKind::identity_mismatch);
    CHECK(signature_kind(evaluate(default_policy(sigstore_signed(app_v1)), "sigstore-missing-signature-annotation")) ==
          RejectionKind::invalid_signature);
    CHECK(signature_kind(evaluate(default_policy(sigstore_signed(app_v1)), "sigstore-invalid-base64-signature")) ==
          RejectionKind::invalid_signature);
    // Rekor keys configured: the SET is required, and a missing one is a malformed signature.
    SigstoreSignedRequirement with_rekor = sigstore_signed(app_v1);
    with_rekor.rekor_public_key_path = fixture_path("keyless/ci/rekor.pub");
    CHECK(signature_kind(evaluate(default_policy(with_rekor), "sigstore-ecdsa-p256-app-v1")) == RejectionKind::invalid_signature);
}

TEST_CASE("rejection kind names are stable") {
    CHECK(std::string(rejection_kind_name(RejectionKind::none)).empty());
    CHECK(std::string(rejection_kind_name(RejectionKind::untrusted_signer)) == "untrusted-signer");
    CHECK(std::string(rejection_kind_name(RejectionKind::digest_mismatch)) == "digest-mismatch");
    CHECK(std::string(rejection_kind_name(RejectionKind::no_signatures)) == "no-signatures");
    CHECK(std::string(rejection_kind_name(RejectionKind::signatures_rejected)) == "signatures-rejected");
    CHECK(std::string(rejection_kind_name(RejectionKind::policy_reject)) == "policy-reject");
}
