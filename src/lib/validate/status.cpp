#include "validate/status.hpp"

namespace imgtrust::validate {
namespace {

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }
bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

int severity_rank(CheckStatus status) {
    switch (status) {
        case CheckStatus::identity_mismatch: return 3;
        case CheckStatus::invalid_signature: return 2;
        case CheckStatus::untrusted_key: return 1;
        default: return 0;
    }
}

const RequirementOutcome* first_rejected(const Verdict& verdict) {
    for (const auto& requirement : verdict.requirements)
        if (requirement.state == RequirementOutcome::State::rejected) return &requirement;
    return nullptr;
}

AcceptedSigner accepted_signer(const SignatureOutcome& signature) {
    AcceptedSigner signer{signature.signed_identity,         signature.key_fingerprint,
                          signature.certificate_subject,     signature.certificate_issuer,
                          signature.certificate_sans,        signature.certificate_oidc_issuer,
                          signature.certificate_matched_san, signature.certificate_extensions};
    signer.signature_format = signature.format;
    signer.found_in = signature.found_in;
    signer.signing_times = signature.signing_times;
    // A `.sig` signature's verified Rekor SET: the policy names the log's key, not its URL.
    if (signer.signing_times.empty() && signature.integrated_time)
        signer.signing_times.push_back({"SET", *signature.integrated_time, ""});
    return signer;
}

void take_accepted_signature(const Verdict& verdict, StatusDerivation& derived) {
    for (const auto& requirement : verdict.requirements)
        for (const auto& signature : requirement.signatures)
            if (signature.accepted) {
                derived.signer = accepted_signer(signature);
                return;
            }
}

}  // namespace

CheckStatus classify_signature_reason(const std::string& reason) {
    if (starts_with(reason, "Signature for identity")) return CheckStatus::identity_mismatch;
    if (starts_with(reason, "Signature for digest")) return CheckStatus::invalid_signature;
    if (starts_with(reason, "cryptographic signature verification failed")) return CheckStatus::untrusted_key;
    if (starts_with(reason, "Need at least one public key")) return CheckStatus::untrusted_key;
    // GPG: a signature by a key the policy does not trust, or by an unknown key.
    if (starts_with(reason, "signature by key") && contains(reason, "is not accepted")) return CheckStatus::untrusted_key;
    if (contains(reason, "No public key")) return CheckStatus::untrusted_key;
    // sigstoreSigned fulcio/pki/Rekor: the certificate or the Rekor SET does not
    // make the signer trusted (chain, validity, EKU, OIDC issuer, email or
    // hostname SAN, a SET by an untrusted Rekor key or for other bytes).
    // A missing or malformed annotation stays invalid-signature.
    if (starts_with(reason, "veryfing leaf certificate failed")) return CheckStatus::untrusted_key;
    if (starts_with(reason, "Unexpected Fulcio OIDC issuer")) return CheckStatus::untrusted_key;
    if (starts_with(reason, "Required email")) return CheckStatus::untrusted_key;
    if (starts_with(reason, "Unexpected subject hostname")) return CheckStatus::untrusted_key;
    // Keyless identity rules (certificate_identity.hpp): a SAN, URI or Fulcio extension not matching.
    if (starts_with(reason, "Certificate subject: ")) return CheckStatus::untrusted_key;
    if (starts_with(reason, "Certificate extension ")) return CheckStatus::untrusted_key;
    // A Sigstore bundle verified for this digest by a trusted signer, under a
    // signedIdentity other than matchDigestOnly: a bundle names no image.
    if (starts_with(reason, "a Sigstore bundle signed by ") && contains(reason, "a bundle names no image"))
        return CheckStatus::identity_mismatch;
    if (starts_with(reason, "cryptographic signature verification of Rekor SET failed")) return CheckStatus::untrusted_key;
    if (contains(reason, "in Rekor SET does not match")) return CheckStatus::untrusted_key;
    return CheckStatus::invalid_signature;
}

StatusDerivation derive_status(const Verdict& verdict) {
    StatusDerivation derived;
    if (verdict.allowed) {
        derived.status = CheckStatus::verified;
        take_accepted_signature(verdict, derived);
        return derived;
    }
    const RequirementOutcome* rejected = first_rejected(verdict);
    if (!rejected) return derived;  // not allowed and nothing rejected cannot happen; stays "rejected"
    if (!rejected->reason.empty()) derived.reasons.push_back(rejected->reason);
    if (rejected->signatures.empty()) {
        derived.status = starts_with(rejected->reason, "A signature was required, but no signature exists")
                             ? CheckStatus::unsigned_image
                             : CheckStatus::rejected;
        return derived;
    }
    CheckStatus worst = CheckStatus::untrusted_key;
    for (const auto& signature : rejected->signatures) {
        CheckStatus status = classify_signature_reason(signature.reason);
        if (severity_rank(status) > severity_rank(worst)) worst = status;
        std::string line = "signature " + std::to_string(signature.index) + " (" + signature.format + "): " + signature.reason;
        if (!signature.hint.empty()) line += " (hint: " + signature.hint + ")";
        derived.reasons.push_back(std::move(line));
    }
    derived.status = worst;
    return derived;
}

}  // namespace imgtrust::validate
