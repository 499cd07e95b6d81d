#include "signature/pki.hpp"

#include "signature/rejection.hpp"

namespace imgtrust::signature {

std::shared_ptr<const IdentityRequirement> pki_identity_requirement(const PkiTrustRoot& trust) {
    if (trust.identity) return trust.identity;
    if (trust.subject_email.empty()) return nullptr;
    IdentityRequirementSpec spec;
    spec.subject_email = trust.subject_email;
    spec.require_fulcio_issuer = false;  // "pki" certificates come from the user's own CA: no Fulcio issuer
    return std::make_shared<const IdentityRequirement>(std::move(spec));
}

std::optional<IdentityMatch> verify_pki_leaf(const PkiTrustRoot& trust, const Certificate& leaf,
                                             const std::vector<Certificate>& untrusted_intermediates, std::time_t now) {
    std::vector<Certificate> intermediates = trust.intermediate_certificates;
    intermediates.insert(intermediates.end(), untrusted_intermediates.begin(), untrusted_intermediates.end());
    // Go's x509 leaves a critical SAN with no email, DNS, IP or URI entry unhandled, and Verify refuses it.
    if (leaf.has_unhandled_critical_san())
        throw SignatureRejected(RejectionKind::untrusted_signer, "veryfing leaf certificate failed: x509: unhandled critical extension (a subject alternative name "
                                "extension with no email, DNS, IP or URI entry)");
    verify_certificate_chain(leaf, intermediates, trust.root_certificates, now, "the current time");
    std::optional<IdentityMatch> match;
    if (auto identity = pki_identity_requirement(trust)) match = match_certificate_identity(leaf, *identity);
    if (!trust.subject_hostname.empty()) {
        std::string mismatch = hostname_mismatch(leaf, trust.subject_hostname);
        if (!mismatch.empty()) throw SignatureRejected(RejectionKind::untrusted_signer, "Unexpected subject hostname: " + mismatch);
    }
    return match;
}

VerifiedCertificate verify_pki_certificate(const PkiTrustRoot& trust, std::string_view untrusted_certificate_pem,
                                           std::string_view untrusted_chain_pem, std::time_t now) {
    Certificate leaf = parse_leaf_certificate_pem(untrusted_certificate_pem);
    std::optional<IdentityMatch> match = verify_pki_leaf(trust, leaf, untrusted_intermediates_from_chain(untrusted_chain_pem), now);
    CertificateSummary summary = match ? summarize_identity_match(leaf, *match) : summarize_certificate(leaf);
    summary.oidc_issuer.clear();  // a "pki" certificate's issuer is its CA; Fulcio's extension means nothing here
    return VerifiedCertificate{leaf.public_key(), std::move(summary)};
}

}  // namespace imgtrust::signature
