// RFC 3161 signed timestamps carried by Sigstore bundles
// (VerificationMaterial.timestampVerificationData.rfc3161Timestamps), checked
// against the timestamp authorities of a TrustedRoot with OpenSSL 3's TS API.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "sigstore/trust_material.hpp"

namespace imgtrust::sigstore {

// A timestamp that verified: the TSTInfo genTime (whole seconds) and the
// authority that signed it: its URI as the root gives it, else its subject
// (sigstore-go tells authorities apart by URI when it counts a threshold).
struct VerifiedTimestamp {
    std::time_t time;
    std::string authority;
};

// Every token must verify, else SignatureRejected naming the token and the
// failure. A token is RFC3161SignedTimestamp.signedTimestamp: "the DER encoded
// TimeStampResponse" (a bare TimeStampToken is refused, as sigstore-go does).
// Per the client spec: its message imprint is the hash of `signature_bytes`; it
// is signed by a certificate that chains to one timestamp authority of `root`
// whose validFor contains genTime; that signer is valid at genTime and carries
// the critical timeStamping EKU. Certificates embedded in the token only help
// build the chain (and name the signer when the authority lists no TSA
// certificate): trust comes from the authority's chain alone. At most 32
// tokens (sigstore-go's limit), each at most 64 KiB.
std::vector<VerifiedTimestamp> verify_rfc3161_timestamps(const TrustedRoot& root,
                                                         const std::vector<std::string>& untrusted_der_tokens,
                                                         std::string_view signature_bytes);

}  // namespace imgtrust::sigstore
