// The digest and identity rules shared by signedBy and sigstoreSigned: checked
// in this order, after the cryptographic signature and the payload parse.
#pragma once

#include "imgtrust/verify.hpp"
#include "policy/evaluation_input.hpp"
#include "signature/fulcio.hpp"
#include "signature/rejection.hpp"
#include "signature/sigstore_payload.hpp"

namespace imgtrust::policy {

// Builds the acceptance rules for one signature. The identity rule records the
// claimed identity and a hint into `record` so that explain output can show them.
signature::PayloadAcceptanceRules make_acceptance_rules(const SignedIdentity& identity, EvaluationInput& input,
                                                        SignatureOutcome& record);

// What a verified certificate says, copied into the signature's outcome (explain and JSON output).
void record_certificate_summary(SignatureOutcome& record, const signature::CertificateSummary& summary);

// Runs one signature check and records its outcome: `verify(rules)` returns the
// verified payload or throws SignatureRejected, whose message becomes the reason
// and whose kind the rejection kind.
template <typename Verify>
void record_signature_check(const SignedIdentity& identity, EvaluationInput& input, SignatureOutcome& record, Verify&& verify) {
    try {
        auto rules = make_acceptance_rules(identity, input, record);
        signature::VerifiedPayload verified = verify(rules);
        record.accepted = true;
        record.signed_identity = verified.docker_reference;
        record.key_fingerprint = verified.key_fingerprint;
    } catch (const signature::SignatureRejected& rejected) {
        record.reason = rejected.what();
        record.rejection_kind = rejected.kind();
    }
}

}  // namespace imgtrust::policy
