// The one place where a policy Verdict becomes a validate status.
#pragma once

#include <string>
#include <vector>

#include "imgtrust/verify.hpp"
#include "validate/check_result.hpp"

namespace imgtrust::validate {

struct StatusDerivation {
    CheckStatus status = CheckStatus::rejected;
    AcceptedSigner signer;  // accepted signature (verified only)
    std::vector<std::string> reasons;  // the rejected requirement's summary, then each signature's reason
};

// verified when allowed. Otherwise, from the first rejected requirement's
// RejectionKind (never from its message text):
//   no_signatures → unsigned;
//   policy_reject, unsupported → rejected (the requirement never looked at signatures);
//   signatures_rejected → the most telling signature kind, in the order c/image
//   checks them (crypto, then digest, then identity, so a later check means a
//   trusted key signed): identity-mismatch > invalid-signature > untrusted-key.
StatusDerivation derive_status(const Verdict& verdict);

// The status of one rejected signature, from its kind: identity_mismatch →
// identity-mismatch; untrusted_signer → untrusted-key; digest_mismatch,
// invalid_signature, unsupported → invalid-signature.
CheckStatus signature_status(RejectionKind kind);

}  // namespace imgtrust::validate
