// cosign signatures, checked in c/image's order (VerifySigstorePayload):
// base64 → crypto with any key over the raw payload → strict parse → digest → identity.
#include "signature/sigstore_payload.hpp"

#include "signature/go_compat.hpp"
#include "signature/payload_json.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::signature {
namespace {

// The error each sigstore verifier reports when a signature does not verify.
std::string verifier_failure_message(const PublicKey& key) {
    const std::string& algorithm = key.algorithm();
    if (algorithm.rfind("ECDSA", 0) == 0) return "invalid signature when validating ASN.1 encoded signature";
    if (algorithm.rfind("RSA", 0) == 0) return "crypto/rsa: verification error";
    if (algorithm == "Ed25519") return "failed to verify signature";
    return "unsupported public key type";
}

// Returns the fingerprint of the first key that verifies; rejects with every key's failure otherwise.
std::string verify_with_any_key(const std::vector<PublicKey>& keys, std::string_view untrusted_payload,
                                std::string_view untrusted_raw_signature) {
    if (keys.empty()) throw SignatureRejected(RejectionKind::untrusted_signer, "Need at least one public key to verify the sigstore payload, but got 0");
    std::string failures;
    for (const PublicKey& key : keys) {
        if (key.verify(untrusted_payload, untrusted_raw_signature)) return key.fingerprint();
        failures += (failures.empty() ? "" : ", ") + verifier_failure_message(key);
    }
    throw SignatureRejected(RejectionKind::untrusted_signer, "cryptographic signature verification failed: " + failures);
}

}  // namespace

VerifiedPayload verify_sigstore_payload(const std::vector<PublicKey>& keys, std::string_view untrusted_payload,
                                        std::string_view untrusted_base64_signature, const PayloadAcceptanceRules& rules) {
    std::string decode_error;
    auto untrusted_raw_signature = go_base64_std_decode(untrusted_base64_signature, decode_error);
    if (!untrusted_raw_signature) throw SignatureRejected("base64 decoding: " + decode_error);
    std::string fingerprint = verify_with_any_key(keys, untrusted_payload, *untrusted_raw_signature);

    // The payload bytes are now known to come from a trusted key; its claims are checked next.
    UntrustedPayloadContent content =
        parse_untrusted_payload(untrusted_payload, sigstore_signature_type, OptionalSection::object_or_null);
    rules.validate_signed_docker_manifest_digest(content.untrusted_docker_manifest_digest);
    rules.validate_signed_docker_reference(content.untrusted_docker_reference);
    return VerifiedPayload{content.untrusted_docker_manifest_digest, content.untrusted_docker_reference, fingerprint};
}

}  // namespace imgtrust::signature
