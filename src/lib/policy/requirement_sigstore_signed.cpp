// sigstoreSigned: "Require the image to be signed using a sigstore signature
// with the specified key(s)"; simple signing signatures are ignored by it.
//
// Keyless (fulcio), Rekor SET and pki trust are parsed and validated, but
// their verification is not available in this release: such a requirement
// fails closed, rejecting every image with a clear reason, never accepting.
#include "policy/evaluation_input.hpp"
#include "policy/signature_rules.hpp"
#include "policy/trust_cache.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::policy {
namespace {

SignatureOutcome check_sigstore_signature(const std::vector<signature::PublicKey>& keys,
                                          const SigstoreSignedRequirement& requirement, const SigstoreSignature& untrusted,
                                          std::size_t index, EvaluationInput& input) {
    SignatureOutcome record;
    record.index = index;
    record.format = "sigstore";
    auto annotation = untrusted.untrusted_annotations.find(std::string(sigstore_signature_annotation));
    if (annotation == untrusted.untrusted_annotations.end()) {
        record.reason = "missing " + std::string(sigstore_signature_annotation) + " annotation";
        return record;
    }
    try {
        auto rules = make_acceptance_rules(requirement.signed_identity, input, record);
        auto verified = signature::verify_sigstore_payload(keys, untrusted.untrusted_payload, annotation->second, rules);
        record.accepted = true;
        record.signed_identity = verified.docker_reference;
        record.key_fingerprint = verified.key_fingerprint;
    } catch (const signature::SignatureRejected& rejected) {
        record.reason = rejected.what();
    }
    return record;
}

std::string unsupported_trust_reason(const SigstoreSignedRequirement& requirement) {
    if (requirement.fulcio) return "sigstoreSigned with \"fulcio\" (keyless) trust is not supported yet by imgtrust; rejecting";
    if (requirement.pki) return "sigstoreSigned with \"pki\" trust is not supported yet by imgtrust; rejecting";
    return "sigstoreSigned with Rekor public keys (SET verification) is not supported yet by imgtrust; rejecting";
}

}  // namespace

RequirementOutcome evaluate_sigstore_signed(const SigstoreSignedRequirement& requirement, const Requirement& where,
                                            TrustCache& trust, EvaluationInput& input) {
    RequirementOutcome outcome;
    if (requirement.uses_keyless_or_rekor()) {
        outcome.state = RequirementOutcome::State::rejected;  // fail closed
        outcome.reason = unsupported_trust_reason(requirement);
        return outcome;
    }
    const auto& keys = trust.sigstore_public_keys(where, requirement);
    const auto& signatures = input.untrusted_signatures();
    std::size_t non_sigstore = 0, non_signature_attachments = 0;
    for (std::size_t i = 0; i < signatures.size(); ++i) {
        const auto* sigstore = std::get_if<SigstoreSignature>(&signatures[i]);
        if (!sigstore) {
            ++non_sigstore;
            continue;
        }
        if (sigstore->untrusted_mime_type != sigstore_signature_mime_type) {
            ++non_signature_attachments;
            continue;
        }
        outcome.signatures.push_back(check_sigstore_signature(keys, requirement, *sigstore, i, input));
        const auto& last = outcome.signatures.back();
        input.debug("sigstoreSigned: signature " + std::to_string(i) + ": " +
                    (last.accepted ? "accepted (key " + last.key_fingerprint + ")" : "rejected: " + last.reason));
        if (last.accepted) break;
    }
    std::string detail;
    if (non_sigstore || non_signature_attachments)
        detail = " (" + std::to_string(non_sigstore) + " non-sigstore signatures, " +
                 std::to_string(non_signature_attachments) + " sigstore non-signature attachments)";
    summarize_signature_outcomes(outcome, detail);
    return outcome;
}

}  // namespace imgtrust::policy
