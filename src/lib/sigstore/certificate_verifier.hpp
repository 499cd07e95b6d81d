// The signing certificate of a bundle checked against the certificate
// authorities of a TrustedRoot: "the certificate chains to a trusted CA ...
// valid at the time of signing", where the signing times are the ones a
// transparency log (SET) or a timestamp authority vouched for.
#pragma once

#include <ctime>
#include <vector>

#include "signature/certificate.hpp"
#include "sigstore/trust_material.hpp"

namespace imgtrust::sigstore {

// Chains `leaf` (code signing) to a CA of `root` that is inside its validFor
// at every one of `verified_times` (at least one), with the whole chain valid
// at each. Certificates the bundle carries besides the leaf are never trusted.
// Returns the CA certificate that issued the leaf (for the SCT check). Throws
// signature::SignatureRejected naming the time and the failure.
signature::Certificate verify_leaf_certificate(const TrustedRoot& root, const signature::Certificate& leaf,
                                               const std::vector<std::time_t>& verified_times);

// A bundle's x509CertificateChain must not carry a root: "the chain MUST NOT
// include the root certificate" (client spec). Throws SignatureRejected for a
// self-signed certificate after the leaf.
void reject_bundled_root_certificates(const std::vector<signature::Certificate>& untrusted_chain);

}  // namespace imgtrust::sigstore
