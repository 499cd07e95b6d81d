// sigstoreSigned "pki" trust: certificates from the user's own CA, "validated
// against the specified root (and optional intermediate) certificates" at the
// current time, with the subject email and/or hostname required (c/image's pki_cert.go).
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "signature/certificate.hpp"
#include "signature/fulcio.hpp"

namespace imgtrust::signature {

struct PkiTrustRoot {
    std::vector<Certificate> root_certificates;
    std::vector<Certificate> intermediate_certificates;  // configured ones; the signature's chain adds to them
    std::string subject_email;                           // "" = not checked
    std::string subject_hostname;                        // "" = not checked (Go's VerifyHostname rules)
    // imgtrust extensions (subject on any SAN, subjectURI, subjectRegExp):
    // when set, it replaces subject_email; subject_hostname still applies.
    std::shared_ptr<const IdentityRequirement> identity;
};

// trust.identity, or c/image's subjectEmail rule; nullptr when neither is set (hostname only).
std::shared_ptr<const IdentityRequirement> pki_identity_requirement(const PkiTrustRoot& trust);

// The chain (configured plus `untrusted_intermediates`) to a configured root,
// valid at `now`, then the identity rules (email/extensions, hostname).
// Returns the identity match when an identity rule exists. Throws SignatureRejected.
std::optional<IdentityMatch> verify_pki_leaf(const PkiTrustRoot& trust, const Certificate& leaf,
                                             const std::vector<Certificate>& untrusted_intermediates, std::time_t now);

// Throws SignatureRejected naming what failed. `now` is the current time in production.
VerifiedCertificate verify_pki_certificate(const PkiTrustRoot& trust, std::string_view untrusted_certificate_pem,
                                           std::string_view untrusted_chain_pem, std::time_t now);

}  // namespace imgtrust::signature
