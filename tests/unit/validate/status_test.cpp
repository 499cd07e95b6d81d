#include <catch2/catch.hpp>

#include "validate/check_result.hpp"
#include "validate/status.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

SignatureOutcome signature(std::size_t index, std::string reason, bool accepted = false) {
    SignatureOutcome outcome;
    outcome.index = index;
    outcome.format = "sigstore";
    outcome.accepted = accepted;
    outcome.reason = std::move(reason);
    if (accepted) {
        outcome.signed_identity = "reg.example/app:v1";
        outcome.key_fingerprint = "SHA256:abc";
    }
    return outcome;
}

Verdict rejected_with(std::string summary, std::vector<SignatureOutcome> signatures) {
    Verdict verdict;
    RequirementOutcome requirement;
    requirement.type = "sigstoreSigned";
    requirement.state = RequirementOutcome::State::rejected;
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
    requirement.signatures = {signature(0, "cryptographic signature verification failed: x"), signature(1, "", true)};
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
    SignatureOutcome bundle = signature(0, "", true);
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
    SignatureOutcome legacy = signature(0, "", true);
    legacy.integrated_time = 1700000000;
    AcceptedSigner from_sig = verified(legacy);
    CHECK(from_sig.signature_format == "sigstore");
    CHECK(from_sig.found_in.empty());
    REQUIRE(from_sig.signing_times.size() == 1);
    CHECK(from_sig.signing_times[0].source == "SET");
    CHECK(from_sig.signing_times[0].time == 1700000000);
    CHECK(signing_time_text(from_sig.signing_times[0]) == "SET 1700000000");
    CHECK(verified(signature(0, "", true)).signing_times.empty());  // a keyed .sig without Rekor: no time
}

TEST_CASE("status: a verified bundle under an identity that names an image is identity-mismatch") {
    CHECK(classify_signature_reason("a Sigstore bundle signed by the trusted key SHA256:ab verified for this manifest digest, but "
                                    "a bundle names no image, so signedIdentity matchRepoDigestOrExact cannot accept it") ==
          CheckStatus::identity_mismatch);
    // A bundle for another digest stays invalid-signature, as a .sig for another digest.
    CHECK(classify_signature_reason("Signature for digest does not match: the Sigstore bundle's subject is not sha256:00") ==
          CheckStatus::invalid_signature);
}

TEST_CASE("status: no signature at all is unsigned") {
    auto derived = derive_status(rejected_with("A signature was required, but no signature exists", {}));
    CHECK(derived.status == CheckStatus::unsigned_image);
    REQUIRE(derived.reasons.size() == 1);
    CHECK(derived.reasons[0] == "A signature was required, but no signature exists");
}

TEST_CASE("status: a requirement that rejects without signatures is rejected") {
    Verdict verdict = rejected_with("Running image docker://x is rejected by policy.", {});
    verdict.requirements[0].type = "reject";
    CHECK(derive_status(verdict).status == CheckStatus::rejected);
}

TEST_CASE("status: each signature reason class") {
    CHECK(derive_status(rejected_with("x", {signature(0, "cryptographic signature verification failed: no key")})).status ==
          CheckStatus::untrusted_key);
    CHECK(derive_status(rejected_with("x", {signature(0, "Signature for digest sha256:aa does not match")})).status ==
          CheckStatus::invalid_signature);
    CHECK(derive_status(rejected_with("x", {signature(0, "Signature for identity \"a/b\" is not accepted")})).status ==
          CheckStatus::identity_mismatch);
    CHECK(derive_status(rejected_with("x", {signature(0, "base64 decoding: bad")})).status == CheckStatus::invalid_signature);
    CHECK(classify_signature_reason("signature by key AAAA of BBBB is not accepted") == CheckStatus::untrusted_key);
    CHECK(classify_signature_reason("gpgme: No public key") == CheckStatus::untrusted_key);
    CHECK(classify_signature_reason("missing dev.cosignproject.cosign/signature annotation") == CheckStatus::invalid_signature);
}

TEST_CASE("status: the most telling signature wins, and every reason is listed") {
    auto derived = derive_status(rejected_with(
        "None of the signatures were accepted, reasons: ...",
        {signature(0, "cryptographic signature verification failed: x"), signature(1, "Signature for identity \"a\" is not accepted"),
         signature(2, "Signature for digest sha256:bb does not match")}));
    CHECK(derived.status == CheckStatus::identity_mismatch);
    REQUIRE(derived.reasons.size() == 4);
    CHECK(derived.reasons[0] == "None of the signatures were accepted, reasons: ...");
    CHECK(derived.reasons[1] == "signature 0 (sigstore): cryptographic signature verification failed: x");
    CHECK(derived.reasons[3] == "signature 2 (sigstore): Signature for digest sha256:bb does not match");

    auto digest_over_key = derive_status(rejected_with(
        "n", {signature(0, "cryptographic signature verification failed: x"), signature(1, "Signature for digest sha256:cc does not match")}));
    CHECK(digest_over_key.status == CheckStatus::invalid_signature);
}

TEST_CASE("status: hints are kept with the reason") {
    auto outcome = signature(0, "Signature for identity \"reg/app\" is not accepted");
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
