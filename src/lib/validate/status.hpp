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

// verified when allowed. Otherwise, from the first rejected requirement:
//   no signature outcomes and c/image's "no signature exists" message → unsigned;
//   no signature outcomes otherwise → rejected (the requirement never looked at signatures);
//   else the most telling signature reason, in the order c/image checks them
//   (crypto, then digest, then identity, so a later check means a trusted key signed):
//   identity-mismatch > invalid-signature > untrusted-key.
StatusDerivation derive_status(const Verdict& verdict);

// Classifies one signature's rejection reason.
CheckStatus classify_signature_reason(const std::string& reason);

}  // namespace imgtrust::validate
