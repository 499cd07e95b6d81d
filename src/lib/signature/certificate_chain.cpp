// Chain building (OpenSSL X509_verify_cert) with Go's x509.Verify semantics:
// every pool certificate is a trust anchor (X509_V_FLAG_PARTIAL_CHAIN), the
// validity of the whole chain is checked at the given time (NotBefore <= t <=
// NotAfter), and the code-signing extended key usage is required through the
// chain as Go's checkChainForKeyUsage requires it.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>

#include "signature/certificate.hpp"
#include "signature/openssl_handles.hpp"
#include "signature/rejection.hpp"
#include "util/text.hpp"

namespace imgtrust::signature {
namespace {


// Go accepts a certificate at exactly its NotAfter second; OpenSSL calls it expired.
int go_time_semantics_callback(int ok, X509_STORE_CTX* context) {
    if (ok || X509_STORE_CTX_get_error(context) != X509_V_ERR_CERT_HAS_EXPIRED) return ok;
    X509* current = X509_STORE_CTX_get_current_cert(context);
    std::time_t at = X509_VERIFY_PARAM_get_time(X509_STORE_CTX_get0_param(context));
    if (current && ASN1_TIME_cmp_time_t(X509_get0_notAfter(current), at) == 0) return 1;
    return ok;
}

std::string describe_failure(X509_STORE_CTX* context, std::time_t at, const std::string& time_used) {
    int error = X509_STORE_CTX_get_error(context);
    int depth = X509_STORE_CTX_get_error_depth(context);
    X509* current = X509_STORE_CTX_get_current_cert(context);
    std::string where = "certificate " + std::to_string(depth) + " of the chain (0 is the leaf)";
    std::string subject, issuer, window;
    if (current) {
        X509_up_ref(current);
        Certificate failing(current);
        subject = failing.subject();
        issuer = failing.issuer();
        window = failing.validity_window();
        where += ", subject \"" + subject + "\"";
    }
    std::string message = where + ": " + X509_verify_cert_error_string(error);
    switch (error) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
        case X509_V_ERR_CERT_NOT_YET_VALID:
            message += ": the certificate is " + window + ", checked at " + rfc3339_utc(at) + " (" + time_used + ")";
            break;
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            message += ": no configured root or available intermediate certificate issued it (its issuer is \"" + issuer + "\")";
            break;
        default:
            break;
    }
    return message;
}

// checkChainForKeyUsage for [code signing]: certificates without an EKU, or
// with anyExtendedKeyUsage, allow everything; any other EKU list must name code signing.
void require_code_signing(STACK_OF(X509) * chain) {
    for (int i = sk_X509_num(chain) - 1; i >= 0; --i) {
        X509* certificate = sk_X509_value(chain, i);
        if (!(X509_get_extension_flags(certificate) & EXFLAG_XKUSAGE)) continue;
        std::uint32_t usages = X509_get_extended_key_usage(certificate);
        if (usages & XKU_ANYEKU) continue;
        if (usages & XKU_CODE_SIGN) continue;
        X509_up_ref(certificate);
        Certificate offending(certificate);
        throw SignatureRejected(RejectionKind::untrusted_signer, "veryfing leaf certificate failed: x509: certificate specifies an incompatible key usage: "
                                "certificate " + std::to_string(i) + " of the chain, subject \"" + offending.subject() +
                                "\", has an extended key usage without code signing");
    }
}

// Go (1.18 and later) refuses to verify certificate signatures made with SHA-1
// or MD5; the trust anchor's own self-signature is never checked.
void refuse_insecure_signature_algorithms(STACK_OF(X509) * chain) {
    for (int i = 0; i + 1 < sk_X509_num(chain); ++i) {
        int nid = X509_get_signature_nid(sk_X509_value(chain, i));
        if (nid == NID_sha1WithRSAEncryption || nid == NID_ecdsa_with_SHA1 || nid == NID_dsaWithSHA1 ||
            nid == NID_md5WithRSAEncryption || nid == NID_md2WithRSAEncryption)
            throw SignatureRejected(RejectionKind::untrusted_signer, std::string("veryfing leaf certificate failed: x509: cannot verify signature: insecure algorithm ") +
                                    OBJ_nid2ln(nid) + " (certificate " + std::to_string(i) + " of the chain)");
    }
}

}  // namespace

void verify_certificate_chain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                              const std::vector<Certificate>& roots, std::time_t at, const std::string& time_used) {
    std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
    std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
    std::unique_ptr<X509_STORE_CTX, StoreContextDeleter> context(X509_STORE_CTX_new());
    if (!store || !untrusted || !context) throw SignatureRejected(RejectionKind::untrusted_signer, "veryfing leaf certificate failed: out of memory");
    for (const Certificate& root : roots) X509_STORE_add_cert(store.get(), root.get());
    for (const Certificate& intermediate : intermediates) sk_X509_push(untrusted.get(), intermediate.get());
    ERR_clear_error();
    if (X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
        ERR_clear_error();
        throw SignatureRejected(RejectionKind::untrusted_signer, "veryfing leaf certificate failed: cannot set up verification");
    }
    X509_VERIFY_PARAM* parameters = X509_STORE_CTX_get0_param(context.get());
    X509_VERIFY_PARAM_set_time(parameters, at);
    X509_VERIFY_PARAM_set_flags(parameters, X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_CTX_set_verify_cb(context.get(), go_time_semantics_callback);
    int verified = X509_verify_cert(context.get());
    ERR_clear_error();
    if (verified != 1)
        throw SignatureRejected(RejectionKind::untrusted_signer, "veryfing leaf certificate failed: " + describe_failure(context.get(), at, time_used));
    std::unique_ptr<STACK_OF(X509), OwningStackDeleter> chain(X509_STORE_CTX_get1_chain(context.get()));
    if (!chain) throw SignatureRejected(RejectionKind::untrusted_signer, "veryfing leaf certificate failed: no chain was built");
    refuse_insecure_signature_algorithms(chain.get());
    require_code_signing(chain.get());
}

namespace {

// Go's validHostname (isPattern allows a leading "*" label).
bool valid_hostname(std::string host, bool is_pattern) {
    if (!is_pattern && !host.empty() && host.back() == '.') host.pop_back();
    if (host.empty() || host == "*") return false;
    auto labels = util::split(host, '.');
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::string_view label = labels[i];
        if (label.empty()) return false;
        if (is_pattern && i == 0 && label == "*") continue;
        for (std::size_t j = 0; j < label.size(); ++j) {
            char c = label[j];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c == '-' && j != 0) || c == '_';
            if (!ok) return false;
        }
    }
    return true;
}

bool match_hostnames(std::string pattern, std::string host) {
    pattern = util::ascii_lowercase(pattern);
    if (!pattern.empty() && pattern.back() == '.') pattern.pop_back();
    if (!host.empty() && host.back() == '.') host.pop_back();
    if (pattern.empty() || host.empty()) return false;
    auto pattern_labels = util::split(pattern, '.'), host_labels = util::split(host, '.');
    if (pattern_labels.size() != host_labels.size()) return false;
    for (std::size_t i = 0; i < pattern_labels.size(); ++i) {
        if (i == 0 && pattern_labels[i] == "*") continue;
        if (pattern_labels[i] != host_labels[i]) return false;
    }
    return true;
}

// 16-byte form of an IP literal (IPv4 mapped), as net.ParseIP and IP.Equal compare them.
std::optional<std::string> parse_ip(const std::string& text) {
    unsigned char v6[16];
    if (inet_pton(AF_INET6, text.c_str(), v6) == 1) return std::string(reinterpret_cast<char*>(v6), 16);
    unsigned char v4[4];
    if (inet_pton(AF_INET, text.c_str(), v4) != 1) return std::nullopt;
    std::string mapped(10, '\0');
    mapped += "\xff\xff";
    return mapped + std::string(reinterpret_cast<char*>(v4), 4);
}

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& value : values) out += (out.empty() ? "" : ", ") + value;
    return out;
}

}  // namespace

std::string hostname_mismatch(const Certificate& certificate, const std::string& hostname) {
    std::string ip_candidate = hostname;
    if (hostname.size() >= 3 && hostname.front() == '[' && hostname.back() == ']') ip_candidate = hostname.substr(1, hostname.size() - 2);
    if (auto wanted = parse_ip(ip_candidate)) {
        auto addresses = certificate.ip_addresses();
        for (const auto& address : addresses)
            if (parse_ip(address) == wanted) return {};
        if (addresses.empty()) return "x509: cannot validate certificate for " + ip_candidate + " because it doesn't contain any IP SANs";
        return "x509: certificate is valid for " + joined(addresses) + ", not " + ip_candidate;
    }
    std::string candidate = util::ascii_lowercase(hostname);
    bool valid_candidate = valid_hostname(candidate, false);
    auto names = certificate.dns_names();
    for (const auto& name : names) {
        if (valid_candidate && valid_hostname(name, true)) {
            if (match_hostnames(name, candidate)) return {};
        } else if (!candidate.empty() && candidate != "." && util::ascii_lowercase(name) == candidate) {
            return {};
        }
    }
    if (names.empty()) return "x509: certificate is not valid for any names, but wanted to match " + hostname;
    return "x509: certificate is valid for " + joined(names) + ", not " + hostname;
}

}  // namespace imgtrust::signature
