// Signed certificate timestamps embedded in a Fulcio leaf certificate
// (extension 1.3.6.1.4.1.11129.2.4.2), verified against the CT logs of a
// TrustedRoot per RFC 6962 with OpenSSL 3's CT API.
#pragma once

#include "signature/certificate.hpp"
#include "sigstore/trust_material.hpp"

namespace imgtrust::sigstore {

// A root that lists no ctlogs: nothing to check. Otherwise at least one
// embedded SCT must verify: its log id names a ctlog of `root` (log id = key
// id), the SCT timestamp lies inside that log's validFor, and its signature
// over the precertificate entry (the leaf's TBS without the SCT list, the
// SHA-256 of `issuer`'s SubjectPublicKeyInfo) verifies with the log key.
// Throws SignatureRejected ("no valid SCT …" naming why).
void verify_embedded_scts(const TrustedRoot& root, const signature::Certificate& leaf,
                          const signature::Certificate& issuer);

}  // namespace imgtrust::sigstore
