#include "sigstore/certificate_verifier.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "signature/rejection.hpp"

namespace imgtrust::sigstore {
namespace {

// Tries each authority valid at `at`; returns the issuer of `leaf` from the first chain that verifies.
signature::Certificate verify_at(const TrustedRoot& root, const signature::Certificate& leaf, std::time_t at) {
    std::string reasons;
    for (const CertificateAuthority& authority : root.certificate_authorities) {
        if (authority.chain.empty()) continue;
        if (!authority.valid_for.contains(at)) {
            reasons += "; CA " + authority.subject + " (" + authority.uri + ") is not trusted at that time";
            continue;
        }
        std::vector<signature::Certificate> intermediates(authority.chain.begin(), authority.chain.end() - 1);
        try {
            signature::verify_certificate_chain(leaf, intermediates, {authority.chain.back()}, at,
                                                "a verified signing time, " + signature::rfc3339_utc(at));
        } catch (const signature::SignatureRejected& error) {
            reasons += std::string("; CA ") + authority.subject + ": " + error.what();
            continue;
        }
        for (const signature::Certificate& candidate : authority.chain)
            if (X509_check_issued(candidate.get(), leaf.get()) == X509_V_OK) return candidate;
        return authority.chain.front();
    }
    if (reasons.empty()) reasons = "; the trusted root lists no certificate authority";
    throw signature::SignatureRejected("the signing certificate does not chain to a trusted certificate authority at " +
                                       signature::rfc3339_utc(at) + reasons);
}

}  // namespace

signature::Certificate verify_leaf_certificate(const TrustedRoot& root, const signature::Certificate& leaf,
                                               const std::vector<std::time_t>& verified_times) {
    if (verified_times.empty())
        throw signature::SignatureRejected("no verified signing time (transparency log SET or RFC 3161 timestamp) to check the certificate at");
    std::optional<signature::Certificate> issuer;
    for (std::time_t at : verified_times) issuer = verify_at(root, leaf, at);
    return *issuer;
}

void reject_bundled_root_certificates(const std::vector<signature::Certificate>& untrusted_chain) {
    for (std::size_t i = 1; i < untrusted_chain.size(); ++i) {
        X509* certificate = untrusted_chain[i].get();
        if (X509_check_issued(certificate, certificate) == X509_V_OK)
            throw signature::SignatureRejected("the bundle's certificate chain includes a root certificate (\"" +
                                               untrusted_chain[i].subject() + "\"): trust comes from the trusted root only");
    }
}

}  // namespace imgtrust::sigstore
