// sigstoreSigned "pki" trust: certificates from the user's own CA, "validated
// against the specified root (and optional intermediate) certificates" at the
// current time, with the subject email and/or hostname required (c/image's pki_cert.go).
#pragma once

#include <ctime>
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
    std::string subject_hostname;                        // "" = not checked
};

// Throws SignatureRejected naming what failed. `now` is the current time in production.
VerifiedCertificate verify_pki_certificate(const PkiTrustRoot& trust, std::string_view untrusted_certificate_pem,
                                           std::string_view untrusted_chain_pem, std::time_t now);

}  // namespace imgtrust::signature
