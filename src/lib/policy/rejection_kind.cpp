// The stable names of RejectionKind (include/imgtrust/verify.hpp), as verify's
// JSON writes them (docs/verify-json.md). Never rename one: reports use them.
#include "imgtrust/verify.hpp"

namespace imgtrust {

const char* rejection_kind_name(RejectionKind kind) {
    switch (kind) {
        case RejectionKind::none: return "";
        case RejectionKind::invalid_signature: return "invalid-signature";
        case RejectionKind::untrusted_signer: return "untrusted-signer";
        case RejectionKind::digest_mismatch: return "digest-mismatch";
        case RejectionKind::identity_mismatch: return "identity-mismatch";
        case RejectionKind::unsupported: return "unsupported";
        case RejectionKind::no_signatures: return "no-signatures";
        case RejectionKind::signatures_rejected: return "signatures-rejected";
        case RejectionKind::policy_reject: return "policy-reject";
    }
    return "";
}

}  // namespace imgtrust
