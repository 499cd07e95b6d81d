// Rekor Signed Entry Timestamps (the cosign "dev.sigstore.cosign/bundle"
// annotation), verified as c/image's internal.VerifyRekorSET does: offline,
// with configured Rekor public keys and no transparency-log lookup.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "signature/public_key.hpp"

namespace imgtrust::signature {

// What a verified SET proves about the signature it was checked against.
struct VerifiedRekorSet {
    std::int64_t integrated_time = 0;  // seconds since the epoch: the signing time for certificate checks
    std::int64_t log_index = 0;
    std::string log_id;
};

// The SET must be an ECDSA signature, by one of `rekor_keys`, over the SHA-256
// of the RFC 8785 form of its Payload; the Payload, parsed from the verified
// canonical bytes, must hold a hashedrekord v0.0.1 body naming this signature
// (same bytes), this key or certificate (same PEM content, compared as DER)
// and the SHA-256 of this payload. Throws SignatureRejected otherwise.
VerifiedRekorSet verify_rekor_set(const std::vector<PublicKey>& rekor_keys, std::string_view untrusted_set,
                                  std::string_view untrusted_key_or_certificate_pem,
                                  std::string_view untrusted_base64_signature, std::string_view untrusted_payload);

// A public key as cryptoutils.MarshalPublicKeyToPEM writes it ("PUBLIC KEY", SPKI DER).
std::string public_key_pem(const PublicKey& key);

}  // namespace imgtrust::signature
