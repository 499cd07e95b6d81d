// signedBy: "Require the image to be signed with the specified GPG key(s)",
// using simple signing signatures; sigstore signatures are ignored by it.
#include "policy/evaluation_input.hpp"
#include "policy/signature_rules.hpp"
#include "policy/trust_store.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::policy {
namespace {

SignatureOutcome check_simple_signature(const signature::OpenPgpVerifier& keyring, const SignedByRequirement& requirement,
                                        const SimpleSigningSignature& untrusted, std::size_t index,
                                        EvaluationInput& input) {
    SignatureOutcome record;
    record.index = index;
    record.format = "simple-signing";
    if (keyring.trusted_fingerprints().empty()) {
        record.reason = "No public keys imported";
        record.rejection_kind = RejectionKind::untrusted_signer;
        return record;
    }
    record_signature_check(requirement.signed_identity, input, record, [&](const signature::PayloadAcceptanceRules& rules) {
        return keyring.verify(untrusted.untrusted_blob, rules);
    });
    return record;
}

}  // namespace

RequirementOutcome evaluate_signed_by(const SignedByRequirement& requirement, const Requirement& where,
                                      const TrustStore& trust, EvaluationInput& input) {
    RequirementOutcome outcome;
    // Only "GPGKeys" is implemented by containers/image; the other valid values
    // reject every signature, before any key is read.
    const bool key_type_implemented = requirement.key_type == "GPGKeys";
    const signature::OpenPgpVerifier* keyring = key_type_implemented ? &trust.gpg_keyring(where) : nullptr;
    const auto& signatures = input.untrusted_signatures();
    for (std::size_t i = 0; i < signatures.size(); ++i) {
        const auto* simple = std::get_if<SimpleSigningSignature>(&signatures[i]);
        if (!simple) continue;  // signedBy looks only at simple signing signatures
        if (!keyring) {
            SignatureOutcome rejected_key_type;
            rejected_key_type.index = i;
            rejected_key_type.format = "simple-signing";
            rejected_key_type.rejection_kind = RejectionKind::unsupported;
            rejected_key_type.reason = "Unimplemented \"keyType\" value \"" + requirement.key_type + "\"";
            outcome.signatures.push_back(std::move(rejected_key_type));
            continue;
        }
        outcome.signatures.push_back(check_simple_signature(*keyring, requirement, *simple, i, input));
        input.debug("signedBy: signature " + std::to_string(i) + ": " +
                    (outcome.signatures.back().accepted ? "accepted" : "rejected: " + outcome.signatures.back().reason));
        if (outcome.signatures.back().accepted) break;
    }
    summarize_signature_outcomes(outcome, "");
    return outcome;
}

}  // namespace imgtrust::policy
