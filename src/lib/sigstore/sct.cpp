// Embedded SCTs (RFC 6962 3.3) against the CT logs of a trusted root, as
// sigstore-go's VerifySignedCertificateTimestamp checks them: an SCT counts
// only if its log id names a ctlog of the root, its timestamp lies inside that
// log's validFor, and its signature verifies with that log's key.
//
// OpenSSL parses the SCT list (X509_get_ext_d2i) and re-encodes the TBS without
// it. Its own SCT_validate cannot be used: it finds logs only in a CTLOG_STORE,
// and OpenSSL 3 fills a CTLOG_STORE only from a file (there is no call that
// adds a CTLOG). So the signed structure of RFC 6962 3.2 is assembled here and
// checked with the log's key.
#include "sigstore/sct.hpp"

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "signature/openssl_handles.hpp"
#include "signature/rejection.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"

namespace imgtrust::sigstore {
namespace {

using signature::X509Deleter;

using signature::SignatureRejected;

constexpr int kMaxScts = 64;  // a certificate carries a handful; bound the work on a hostile one

struct SctListDeleter {
    void operator()(STACK_OF(SCT) * list) const { SCT_LIST_free(list); }
};

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

// The leaf's SCT list; a missing, duplicated or unparsable extension rejects.
std::unique_ptr<STACK_OF(SCT), SctListDeleter> embedded_scts(X509* leaf) {
    int critical = 0;
    ERR_clear_error();
    auto* list = static_cast<STACK_OF(SCT)*>(X509_get_ext_d2i(leaf, NID_ct_precert_scts, &critical, nullptr));
    ERR_clear_error();
    std::unique_ptr<STACK_OF(SCT), SctListDeleter> owner(list);
    if (!list && critical == -1) throw SignatureRejected("no valid SCT: the certificate embeds no SCT list");
    if (!list && critical == -2) throw SignatureRejected("no valid SCT: the certificate has more than one SCT list extension");
    if (!list) throw SignatureRejected("no valid SCT: the certificate's SCT list is malformed");
    if (sk_SCT_num(list) == 0) throw SignatureRejected("no valid SCT: the certificate's SCT list is empty");
    if (sk_SCT_num(list) > kMaxScts)
        throw SignatureRejected("no valid SCT: the certificate embeds more than " + std::to_string(kMaxScts) + " SCTs");
    return owner;
}

// The certificate's SubjectPublicKeyInfo exactly as it encodes it.
std::string subject_public_key_info(X509* certificate) {
    unsigned char* der = nullptr;
    int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate), &der);
    if (length <= 0) throw SignatureRejected("no valid SCT: cannot encode the issuer's public key");
    std::string spki(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return spki;
}

// RFC 6962 3.2 PreCert.tbs_certificate for a final certificate: "the
// TBSCertificate ... with the SCT list extension removed" (the other
// extensions keep their order).
std::string precertificate_tbs(X509* leaf) {
    std::unique_ptr<X509, X509Deleter> copy(X509_dup(leaf));
    if (!copy) throw SignatureRejected("no valid SCT: cannot copy the certificate");
    int index = X509_get_ext_by_NID(copy.get(), NID_ct_precert_scts, -1);
    if (index >= 0) X509_EXTENSION_free(X509_delete_ext(copy.get(), index));
    unsigned char* der = nullptr;
    int length = i2d_re_X509_tbs(copy.get(), &der);
    if (length <= 0) throw SignatureRejected("no valid SCT: cannot encode the precertificate TBS");
    std::string tbs(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return tbs;
}

// RFC 6962 3.2: the digitally-signed struct of a v1 SCT over a precert_entry:
// sct_version, signature_type certificate_timestamp (0), timestamp, entry_type
// precert_entry (1), issuer_key_hash, the TBS as opaque<1..2^24-1>, then the
// extensions as opaque<0..2^16-1>.
std::string signed_entry(const SCT* sct, const std::string& issuer_key_hash, const std::string& tbs) {
    unsigned char* extensions = nullptr;
    std::size_t extensions_length = SCT_get0_extensions(sct, &extensions);
    if (tbs.size() >= (1u << 24) || extensions_length >= (1u << 16))
        throw SignatureRejected("the signed entry is too large for RFC 6962");
    std::string entry;
    entry.push_back(0);  // v1
    entry.push_back(0);  // certificate_timestamp
    append_big_endian(entry, SCT_get_timestamp(sct), 8);
    append_big_endian(entry, 1, 2);  // precert_entry
    entry += issuer_key_hash;
    append_big_endian(entry, tbs.size(), 3);
    entry += tbs;
    append_big_endian(entry, extensions_length, 2);
    if (extensions_length) entry.append(reinterpret_cast<const char*>(extensions), extensions_length);
    return entry;
}

// RFC 6962 2.1.4: SCTs are signed with SHA-256 and ECDSA or RSA, the key's own kind.
bool signature_matches_key(const SCT* sct, const signature::PublicKey& key) {
    int nid = SCT_get_signature_nid(sct);
    if (nid == NID_ecdsa_with_SHA256) return key.is_ecdsa();
    if (nid == NID_sha256WithRSAEncryption) return key.algorithm().rfind("RSA", 0) == 0;
    return false;
}

// The SCT's timestamp (milliseconds) inside the log's validFor, both ends inclusive at second precision.
bool inside_window(const ValidityWindow& window, std::uint64_t timestamp_ms) {
    auto ms = [](std::time_t seconds) { return static_cast<std::int64_t>(seconds) * 1000; };
    auto at = static_cast<std::int64_t>(timestamp_ms);
    return (!window.start || at >= ms(*window.start)) && (!window.end || at <= ms(*window.end));
}

// "" when one of the root's logs with this SCT's log id verifies it, else why not.
std::string check_sct(const TrustedRoot& root, const SCT* sct, const std::string& issuer_key_hash, const std::string& tbs) {
    unsigned char* raw_id = nullptr;
    std::size_t id_length = SCT_get0_log_id(sct, &raw_id);
    std::string log_id(reinterpret_cast<const char*>(raw_id), raw_id ? id_length : 0);
    std::string name = "log " + util::base64_encode(log_id);
    if (SCT_get_version(sct) != SCT_VERSION_V1) return "an SCT of unknown version from " + name;
    std::string why = name + " is not a ctlog of the trusted root";
    for (const TransparencyLog& log : root.ctlogs) {
        if (log.log_id != log_id) continue;
        if (!inside_window(log.valid_for, SCT_get_timestamp(sct))) {
            why = "the SCT from " + name + " is outside the log's validFor window";
            continue;
        }
        if (!signature_matches_key(sct, log.key)) {
            why = "the SCT from " + name + " uses a signature algorithm that its " + log.key.algorithm() + " key cannot make";
            continue;
        }
        unsigned char* signature = nullptr;
        std::size_t signature_length = SCT_get0_signature(sct, &signature);
        std::string_view signature_bytes(reinterpret_cast<const char*>(signature), signature ? signature_length : 0);
        if (log.key.verify(signed_entry(sct, issuer_key_hash, tbs), signature_bytes)) return {};
        why = "the SCT from " + name + " has a signature that its key does not verify";
    }
    return why;
}

}  // namespace

void verify_embedded_scts(const TrustedRoot& root, const signature::Certificate& leaf,
                          const signature::Certificate& issuer) {
    if (root.ctlogs.empty()) return;
    auto scts = embedded_scts(leaf.get());
    // RFC 6962 3.2 "issuer_key_hash is the SHA-256 hash of the certificate issuer's public key".
    const std::string issuer_key_hash = util::raw_digest(util::DigestAlgorithm::sha256, subject_public_key_info(issuer.get()));
    const std::string tbs = precertificate_tbs(leaf.get());
    std::string reasons;
    for (int i = 0; i < sk_SCT_num(scts.get()); ++i) {
        std::string why = check_sct(root, sk_SCT_value(scts.get(), i), issuer_key_hash, tbs);
        if (why.empty()) return;
        reasons += (reasons.empty() ? "" : "; ") + why;
    }
    throw SignatureRejected("no valid SCT among the " + std::to_string(sk_SCT_num(scts.get())) +
                            " the certificate embeds: " + reasons);
}

}  // namespace imgtrust::sigstore
