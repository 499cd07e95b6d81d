#include <catch2/catch.hpp>

#include "validate/check_result.hpp"
#include "validate/status.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

SignatureOutcome signature(std::size_t index, std::string reason, RejectionKind kind, bool accepted = false) {
    SignatureOutcome outcome;
    outcome.index = index;
    outcome.format = "sigstore";
    outcome.accepted = accepted;
    outcome.reason = std::move(reason);
    outcome.rejection_kind = kind;
    if (accepted) {
        outcome.signed_identity = "reg.example/app:v1";
        outcome.key_fingerprint = "SHA256:abc";
    }
    return outcome;
}

SignatureOutcome accepted_signature(std::size_t index) { return signature(index, "", RejectionKind::none, true); }

Verdict rejected_with(std::string summary, std::vector<SignatureOutcome> signatures,
                      RejectionKind kind = RejectionKind::signatures_rejected) {
    Verdict verdict;
    RequirementOutcome requirement;
    requirement.type = "sigstoreSigned";
    requirement.state = RequirementOutcome::State::rejected;
    requirement.rejection_kind = kind;
    requirement.reason = std::move(summary);
    requirement.signatures = std::move(signatures);
    verdict.requirements.push_back(requirement);
    return verdict;
}

}  // namespace

TEST_CASE("status: allowed is verified, with the accepted signature's identity and key") {
    Verdict verdict;
    verdict.allowed = true;
    RequirementOutcome requirement;
    requirement.state = RequirementOutcome::State::accepted;
    requirement.signatures = {signature(0, "cryptographic signature verification failed: x", RejectionKind::untrusted_signer),
                              accepted_signature(1)};
    verdict.requirements.push_back(requirement);
    auto derived = derive_status(verdict);
    CHECK(derived.status == CheckStatus::verified);
    CHECK(derived.signer.signed_identity == "reg.example/app:v1");
    CHECK(derived.signer.key_fingerprint == "SHA256:abc");
    CHECK(derived.reasons.empty());
}

TEST_CASE("status: the accepted signature's format, where a bundle was found and its signing times") {
    auto verified = [](SignatureOutcome accepted) {
        Verdict verdict;
        verdict.allowed = true;
        RequirementOutcome requirement;
        requirement.state = RequirementOutcome::State::accepted;
        requirement.signatures = {std::move(accepted)};
        verdict.requirements.push_back(requirement);
        return derive_status(verdict).signer;
    };
    SignatureOutcome bundle = accepted_signature(0);
    bundle.format = "sigstore-bundle";
    bundle.found_in = "oci-layout";
    bundle.signing_times = {{"TSA", 1767225601, "CN=tsa"}, {"SET", 1767225600, "https://rekor.example"}};
    AcceptedSigner from_bundle = verified(bundle);
    CHECK(from_bundle.signature_format == "sigstore-bundle");
    CHECK(from_bundle.found_in == "oci-layout");
    REQUIRE(from_bundle.signing_times.size() == 2);
    CHECK(from_bundle.signing_times[0].source == "TSA");
    CHECK(from_bundle.signing_times[1].authority == "https://rekor.example");
    CHECK(signing_time_text(from_bundle.signing_times[1]) == "SET 1767225600 https://rekor.example");

    // A .sig signature's verified Rekor SET is its signing time; the policy names no log URL.
    SignatureOutcome legacy = accepted_signature(0);
    legacy.integrated_time = 1700000000;
    AcceptedSigner from_sig = verified(legacy);
    CHECK(from_sig.signature_format == "sigstore");
    CHECK(from_sig.found_in.empty());
    REQUIRE(from_sig.signing_times.size() == 1);
    CHECK(from_sig.signing_times[0].source == "SET");
    CHECK(from_sig.signing_times[0].time == 1700000000);
    CHECK(signing_time_text(from_sig.signing_times[0]) == "SET 1700000000");
    CHECK(verified(accepted_signature(0)).signing_times.empty());  // a keyed .sig without Rekor: no time
}

TEST_CASE("status: each signature kind's status") {
    CHECK(signature_status(RejectionKind::identity_mismatch) == CheckStatus::identity_mismatch);
    CHECK(signature_status(RejectionKind::untrusted_signer) == CheckStatus::untrusted_key);
    // Another digest's signature (a .sig or a bundle), a malformed one, an unimplemented keyType.
    CHECK(signature_status(RejectionKind::digest_mismatch) == CheckStatus::invalid_signature);
    CHECK(signature_status(RejectionKind::invalid_signature) == CheckStatus::invalid_signature);
    CHECK(signature_status(RejectionKind::unsupported) == CheckStatus::invalid_signature);
}

// Issue 16: a reworded message must not re-classify a report. Each kind keeps
// its status under a message that once meant another status, or means nothing.
TEST_CASE("status: comes from the kind, never from the message text") {
    const std::vector<std::string> messages = {"", "arbitrary text", "Signature for identity \"a\" is not accepted",
                                               "Signature for digest sha256:aa does not match", "gpgme: No public key",
                                               "signature in Rekor SET does not match"};
    const std::vector<std::pair<RejectionKind, CheckStatus>> kinds = {
        {RejectionKind::identity_mismatch, CheckStatus::identity_mismatch},
        {RejectionKind::untrusted_signer, CheckStatus::untrusted_key},
        {RejectionKind::digest_mismatch, CheckStatus::invalid_signature},
        {RejectionKind::invalid_signature, CheckStatus::invalid_signature}};
    for (const auto& message : messages)
        for (const auto& [kind, status] : kinds) {
            CAPTURE(message, rejection_kind_name(kind));
            CHECK(derive_status(rejected_with(message, {signature(0, message, kind)})).status == status);
        }
    for (const auto& message : messages) {
        CAPTURE(message);
        CHECK(derive_status(rejected_with(message, {}, RejectionKind::no_signatures)).status == CheckStatus::unsigned_image);
        CHECK(derive_status(rejected_with(message, {}, RejectionKind::policy_reject)).status == CheckStatus::rejected);
    }
    // c/image's "no signature exists" text under another kind is not unsigned.
    CHECK(derive_status(rejected_with("A signature was required, but no signature exists", {}, RejectionKind::unsupported)).status ==
          CheckStatus::rejected);
}

TEST_CASE("status: no signature at all is unsigned") {
    auto derived = derive_status(rejected_with("A signature was required, but no signature exists", {}, RejectionKind::no_signatures));
    CHECK(derived.status == CheckStatus::unsigned_image);
    REQUIRE(derived.reasons.size() == 1);
    CHECK(derived.reasons[0] == "A signature was required, but no signature exists");
}

TEST_CASE("status: a requirement that rejects without signatures is rejected") {
    Verdict verdict = rejected_with("Running image docker://x is rejected by policy.", {}, RejectionKind::policy_reject);
    verdict.requirements[0].type = "reject";
    CHECK(derive_status(verdict).status == CheckStatus::rejected);
}


TEST_CASE("status: the most telling signature wins, and every reason is listed") {
    auto derived = derive_status(rejected_with(
        "None of the signatures were accepted, reasons: ...",
        {signature(0, "cryptographic signature verification failed: x", RejectionKind::untrusted_signer),
         signature(1, "Signature for identity \"a\" is not accepted", RejectionKind::identity_mismatch),
         signature(2, "Signature for digest sha256:bb does not match", RejectionKind::digest_mismatch)}));
    CHECK(derived.status == CheckStatus::identity_mismatch);
    REQUIRE(derived.reasons.size() == 4);
    CHECK(derived.reasons[0] == "None of the signatures were accepted, reasons: ...");
    CHECK(derived.reasons[1] == "signature 0 (sigstore): cryptographic signature verification failed: x");
    CHECK(derived.reasons[3] == "signature 2 (sigstore): Signature for digest sha256:bb does not match");

    auto digest_over_key = derive_status(rejected_with(
        "n", {signature(0, "cryptographic signature verification failed: x", RejectionKind::untrusted_signer),
              signature(1, "Signature for digest sha256:cc does not match", RejectionKind::digest_mismatch)}));
    CHECK(digest_over_key.status == CheckStatus::invalid_signature);
}

TEST_CASE("status: hints are kept with the reason") {
    auto outcome = signature(0, "Signature for identity \"reg/app\" is not accepted", RejectionKind::identity_mismatch);
    outcome.hint = "use matchRepository";
    auto derived = derive_status(rejected_with("r", {outcome}));
    CHECK(derived.reasons.back() == "signature 0 (sigstore): Signature for identity \"reg/app\" is not accepted (hint: use matchRepository)");
}

TEST_CASE("status names are the documented ones; only verified and skipped-by-filter pass") {
    CHECK(std::string(status_name(CheckStatus::unsigned_image)) == "unsigned");
    CHECK(std::string(status_name(CheckStatus::skipped_by_filter)) == "skipped-by-filter");
    CHECK(std::string(status_name(CheckStatus::fetch_error)) == "fetch-error");
    CHECK_FALSE(status_fails(CheckStatus::verified));
    CHECK_FALSE(status_fails(CheckStatus::skipped_by_filter));
    CHECK(status_fails(CheckStatus::unsigned_image));
    CHECK(status_fails(CheckStatus::untrusted_key));
}

TEST_CASE("image result: fails when any manifest fails; all filtered out is skipped, as hangar does") {
    ImageReport report;
    ManifestCheck index, amd64, arm64;
    index.status = CheckStatus::verified;
    amd64.status = CheckStatus::verified;
    arm64.status = CheckStatus::skipped_by_filter;
    report.manifests = {index, amd64, arm64};
    finish_image_report(report);
    CHECK(report.passed);
    CHECK(report.status == CheckStatus::verified);

    report.manifests[1].status = CheckStatus::unsigned_image;
    finish_image_report(report);
    CHECK_FALSE(report.passed);
    CHECK(report.status == CheckStatus::unsigned_image);

    ImageReport nothing;
    nothing.manifests = {arm64};
    finish_image_report(nothing);
    CHECK(nothing.passed);
    CHECK(nothing.status == CheckStatus::skipped_by_filter);
    CHECK_FALSE(nothing.error.empty());
}
