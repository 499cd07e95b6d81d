#include "policy/signature_rules.hpp"

#include "policy/identity.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::policy {

signature::PayloadAcceptanceRules make_acceptance_rules(const SignedIdentity& identity, EvaluationInput& input,
                                                        SignatureOutcome& record) {
    signature::PayloadAcceptanceRules rules;
    rules.validate_signed_docker_manifest_digest = [&input](const std::string& untrusted_digest) {
        if (!input.manifest_matches_digest(untrusted_digest))
            throw signature::SignatureRejected(RejectionKind::digest_mismatch, "Signature for digest " + untrusted_digest + " does not match");
    };
    rules.validate_signed_docker_reference = [&identity, &input, &record](const std::string& untrusted_reference) {
        record.signed_identity = untrusted_reference;
        if (!identity_matches(identity, input.docker_reference(), untrusted_reference)) {
            record.hint = identity_mismatch_hint(identity, input.docker_reference(), untrusted_reference);
            throw signature::SignatureRejected(RejectionKind::identity_mismatch, "Signature for identity \"" + untrusted_reference + "\" is not accepted");
        }
    };
    return rules;
}

void record_certificate_summary(SignatureOutcome& record, const signature::CertificateSummary& summary) {
    record.certificate_subject = summary.subject;
    record.certificate_issuer = summary.issuer;
    record.certificate_sans = summary.subject_alternative_names;
    record.certificate_oidc_issuer = summary.oidc_issuer;
    record.integrated_time = summary.integrated_time;
    record.certificate_matched_san = summary.matched_san;
    record.certificate_extensions.clear();
    for (const auto& extension : summary.fulcio_extensions)
        record.certificate_extensions.push_back({extension.name, extension.oid, extension.value});
}

}  // namespace imgtrust::policy
