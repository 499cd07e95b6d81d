// The digest and identity rules shared by signedBy and sigstoreSigned: checked
// in this order, after the cryptographic signature and the payload parse.
#pragma once

#include "imgtrust/verify.hpp"
#include "policy/evaluation_input.hpp"
#include "signature/sigstore_payload.hpp"

namespace imgtrust::policy {

// Builds the acceptance rules for one signature. The identity rule records the
// claimed identity and a hint into `record` so that explain output can show them.
signature::PayloadAcceptanceRules make_acceptance_rules(const SignedIdentity& identity, EvaluationInput& input,
                                                        SignatureOutcome& record);

}  // namespace imgtrust::policy
