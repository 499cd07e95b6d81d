#include "validate/status.hpp"

namespace imgtrust::validate {
namespace {

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
                          signature.certificate_matched_san, signature.certificate_extensions,
                          signature.format,                  signature.found_in,
                          signature.signing_times};
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

CheckStatus signature_status(RejectionKind kind) {
    switch (kind) {
        case RejectionKind::identity_mismatch: return CheckStatus::identity_mismatch;
        case RejectionKind::untrusted_signer: return CheckStatus::untrusted_key;
        // Another manifest's signature, a malformed one, or one no verifier exists for.
        case RejectionKind::digest_mismatch:
        case RejectionKind::invalid_signature:
        case RejectionKind::unsupported:
        default: return CheckStatus::invalid_signature;
    }
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
    if (rejected->rejection_kind == RejectionKind::no_signatures) {
        derived.status = CheckStatus::unsigned_image;
        return derived;
    }
    if (rejected->rejection_kind != RejectionKind::signatures_rejected || rejected->signatures.empty()) {
        derived.status = CheckStatus::rejected;  // policy_reject, unsupported: the requirement never looked at signatures
        return derived;
    }
    CheckStatus worst = CheckStatus::untrusted_key;
    for (const auto& signature : rejected->signatures) {
        CheckStatus status = signature_status(signature.rejection_kind);
        if (severity_rank(status) > severity_rank(worst)) worst = status;
        std::string line = "signature " + std::to_string(signature.index) + " (" + signature.format + "): " + signature.reason;
        if (!signature.hint.empty()) line += " (hint: " + signature.hint + ")";
        derived.reasons.push_back(std::move(line));
    }
    derived.status = worst;
    return derived;
}

}  // namespace imgtrust::validate
