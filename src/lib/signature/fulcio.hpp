// sigstoreSigned "fulcio" trust: "the signature must carry a certificate
// issued by the Fulcio CA ... for the expected OIDC issuer and subject email",
// checked at the Rekor SET's integrated time, as c/image's fulcio_cert.go does.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signature/certificate.hpp"
#include "signature/certificate_identity.hpp"
#include "signature/public_key.hpp"

namespace imgtrust::signature {

// What an accepted certificate says, for explain and JSON output.
struct CertificateSummary {
    std::string subject;
    std::string issuer;
    std::vector<std::string> subject_alternative_names;  // "email:a@b", "DNS:h", "URI:u", "IP:1.2.3.4"
    std::string oidc_issuer;                              // Fulcio certificates only
    std::optional<std::int64_t> integrated_time;         // Rekor SET time used for the checks (fulcio)
    std::string matched_san;                              // the SAN the identity rule matched: "URI:https://…" ("" if none)
    std::vector<FulcioExtension> fulcio_extensions;       // every Fulcio extension present (reports)
};

struct VerifiedCertificate {
    PublicKey public_key;
    CertificateSummary summary;
};

CertificateSummary summarize_certificate(const Certificate& certificate);

struct FulcioTrustRoot {
    std::vector<Certificate> ca_certificates;  // every one a trust anchor
    std::string oidc_issuer;                   // c/image's oidcIssuer
    std::string subject_email;                 // c/image's subjectEmail
    // The whole identity rule (imgtrust extensions: any-SAN subject, URI,
    // regexps, workflow extensions). When set it replaces oidc_issuer and
    // subject_email, which then only describe c/image's two fields.
    std::shared_ptr<const IdentityRequirement> identity;
};

// trust.identity, or c/image's rule: the OIDC issuer and an email SAN, both exact.
IdentityRequirement fulcio_identity_requirement(const FulcioTrustRoot& trust);

// The certificate summary with what match_certificate_identity found.
CertificateSummary summarize_identity_match(const Certificate& certificate, const IdentityMatch& match);

// The OIDC issuer recorded by Fulcio: extension 1.3.6.1.4.1.57264.1.8 (a DER
// string) and/or the deprecated 1.3.6.1.4.1.57264.1.1 (raw bytes); both present
// must agree. Throws SignatureRejected.
std::string fulcio_issuer_in_certificate(const Certificate& untrusted_certificate);

// The chain annotation without its last certificate (the root, which must come
// from the policy) as intermediates; `untrusted_chain_pem` may be empty.
std::vector<Certificate> untrusted_intermediates_from_chain(std::string_view untrusted_chain_pem);

// Chain to the Fulcio CA valid at `relevant_time`, code signing, then the
// identity (OIDC issuer, subjects, extensions: match_certificate_identity).
// Throws SignatureRejected naming what failed.
VerifiedCertificate verify_fulcio_certificate_at_time(const FulcioTrustRoot& trust, std::time_t relevant_time,
                                                      std::string_view untrusted_certificate_pem,
                                                      std::string_view untrusted_chain_pem);

// verifyRekorFulcio: the SET first (it vouches for this certificate), then
// the certificate at the SET's integrated time.
VerifiedCertificate verify_rekor_fulcio(const std::vector<PublicKey>& rekor_keys, const FulcioTrustRoot& trust,
                                        std::string_view untrusted_set, std::string_view untrusted_certificate_pem,
                                        std::string_view untrusted_chain_pem, std::string_view untrusted_base64_signature,
                                        std::string_view untrusted_payload);

// Message helper shared with pki: `Required email "x" not found (got ["a" "b"])`.
std::string required_email_not_found(const std::string& wanted, const std::vector<std::string>& got);

}  // namespace imgtrust::signature
