#include "signature/pki.hpp"

#include <algorithm>

#include "signature/rejection.hpp"

namespace imgtrust::signature {

VerifiedCertificate verify_pki_certificate(const PkiTrustRoot& trust, std::string_view untrusted_certificate_pem,
                                           std::string_view untrusted_chain_pem, std::time_t now) {
    std::vector<Certificate> intermediates = trust.intermediate_certificates;
    for (auto& certificate : untrusted_intermediates_from_chain(untrusted_chain_pem)) intermediates.push_back(std::move(certificate));
    Certificate leaf = parse_leaf_certificate_pem(untrusted_certificate_pem);
    // Go's x509 leaves a critical SAN with no email, DNS, IP or URI entry unhandled, and Verify refuses it.
    if (leaf.has_unhandled_critical_san())
        throw SignatureRejected("veryfing leaf certificate failed: x509: unhandled critical extension (a subject alternative name "
                                "extension with no email, DNS, IP or URI entry)");
    verify_certificate_chain(leaf, intermediates, trust.root_certificates, now, "the current time");
    if (!trust.subject_email.empty()) {
        auto emails = leaf.email_addresses();
        if (std::find(emails.begin(), emails.end(), trust.subject_email) == emails.end())
            throw SignatureRejected(required_email_not_found(trust.subject_email, emails));
    }
    if (!trust.subject_hostname.empty()) {
        std::string mismatch = hostname_mismatch(leaf, trust.subject_hostname);
        if (!mismatch.empty()) throw SignatureRejected("Unexpected subject hostname: " + mismatch);
    }
    return VerifiedCertificate{leaf.public_key(), summarize_certificate(leaf)};
}

}  // namespace imgtrust::signature
