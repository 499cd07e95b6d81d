// X.509 certificates carried by sigstore signatures (the cosign certificate and
// chain annotations) and configured as trust roots, parsed and verified with
// OpenSSL 3 under the rules of Go's crypto/x509 that c/image relies on.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signature/public_key.hpp"

typedef struct x509_st X509;

namespace imgtrust::signature {

// One block as Go's encoding/pem.Decode returns it: text before the block is
// skipped; `rest` receives what follows the END line.
struct GoPemBlock {
    std::string type;
    bool has_headers = false;
    std::string bytes;
};
std::optional<GoPemBlock> go_pem_decode(std::string_view data, std::string_view& rest);

// A parsed certificate. Every accessor reports what the certificate claims;
// nothing is trusted until verify_certificate_chain accepted it.
class Certificate {
public:
    explicit Certificate(X509* owned_certificate);  // takes ownership
    X509* get() const { return certificate_.get(); }
    std::string subject() const;  // one line, RFC 2253 order ("CN=leaf,O=Example")
    std::string issuer() const;
    std::vector<std::string> email_addresses() const;
    std::vector<std::string> dns_names() const;
    std::vector<std::string> uris() const;
    std::vector<std::string> ip_addresses() const;  // as text
    // Go's SAN handling: a critical SAN extension with no email, DNS, IP or URI entry is "unhandled".
    bool has_unhandled_critical_san() const;
    std::string validity_window() const;  // "valid from <RFC 3339> to <RFC 3339>"
    PublicKey public_key() const;         // throws SignatureRejected for an unusable key

private:
    std::shared_ptr<X509> certificate_;
};

// cryptoutils.UnmarshalCertificatesFromPEM: every block must be a DER
// certificate (no trailing bytes, no duplicate extensions). Throws
// SignatureRejected with the reason; an empty (or all-space) input gives none.
std::vector<Certificate> parse_certificates_pem(std::string_view untrusted_pem);

// c/image's parseLeafCertFromPEM: exactly one certificate.
Certificate parse_leaf_certificate_pem(std::string_view untrusted_pem);

// x509.CertPool.AppendCertsFromPEM: CERTIFICATE blocks without headers that
// parse; others are skipped. Returns an empty vector if none could be added.
std::vector<Certificate> collect_pool_certificates_pem(std::string_view pem);

// x509.Certificate.Verify with KeyUsages = [code signing]: builds a chain from
// `leaf` through `intermediates` to any certificate of `roots` (each one a
// trust anchor, as in a Go CertPool), every certificate valid at `at`.
// `time_used` describes `at` in messages. Throws SignatureRejected
// ("veryfing leaf certificate failed: ..." naming the failing certificate).
void verify_certificate_chain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                              const std::vector<Certificate>& roots, std::time_t at, const std::string& time_used);

// Go's Certificate.VerifyHostname (DNS SANs with leftmost wildcards, IP SANs
// for IP literals). Returns "" on a match, else Go's error text.
std::string hostname_mismatch(const Certificate& certificate, const std::string& hostname);

std::string rfc3339_utc(std::time_t time);

}  // namespace imgtrust::signature
