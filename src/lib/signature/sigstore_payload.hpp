// cosign "simple signing" payloads (SIGNATURE_SPEC.md), verified in c/image's
// order: crypto over the raw payload bytes, then a strict parse, then the
// manifest digest, then the identity.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "signature/public_key.hpp"

namespace imgtrust::signature {

// Callbacks that throw SignatureRejected to reject. Digest first, identity second.
struct PayloadAcceptanceRules {
    std::function<void(const std::string& untrusted_docker_manifest_digest)> validate_signed_docker_manifest_digest;
    std::function<void(const std::string& untrusted_docker_reference)> validate_signed_docker_reference;
};

struct VerifiedPayload {
    std::string docker_manifest_digest;
    std::string docker_reference;
    std::string key_fingerprint;  // the key that verified it (sigstore), or the GPG fingerprint
};

// Throws SignatureRejected with c/image-like reasons ("cryptographic signature
// verification failed: ...", "Unrecognized signature type ...", ...).
VerifiedPayload verify_sigstore_payload(const std::vector<PublicKey>& keys, std::string_view untrusted_payload,
                                        std::string_view untrusted_base64_signature, const PayloadAcceptanceRules& rules);

}  // namespace imgtrust::signature
