#include "policy/signature_rules.hpp"

#include "policy/identity.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::policy {

signature::PayloadAcceptanceRules make_acceptance_rules(const SignedIdentity& identity, EvaluationInput& input,
                                                        SignatureOutcome& record) {
    signature::PayloadAcceptanceRules rules;
    rules.validate_signed_docker_manifest_digest = [&input](const std::string& untrusted_digest) {
        if (!input.manifest_matches_digest(untrusted_digest))
            throw signature::SignatureRejected("Signature for digest " + untrusted_digest + " does not match");
    };
    rules.validate_signed_docker_reference = [&identity, &input, &record](const std::string& untrusted_reference) {
        record.signed_identity = untrusted_reference;
        if (!identity_matches(identity, input.docker_reference(), untrusted_reference)) {
            record.hint = identity_mismatch_hint(identity, input.docker_reference(), untrusted_reference);
            throw signature::SignatureRejected("Signature for identity \"" + untrusted_reference + "\" is not accepted");
        }
    };
    return rules;
}

}  // namespace imgtrust::policy
