// RFC 3161 timestamps against the timestamp authorities of a trusted root.
// OpenSSL's TS API parses the TimeStampResp and verifies the CMS signature
// (one signer, the ESS signing-certificate attribute, the signer's chain with
// the timestamping purpose) and the message imprint; what sigstore-go and
// sigstore/timestamp-authority add on top is written out here: the signer is
// the authority's TSA certificate when the root lists one, that certificate is
// an end entity with exactly one, critical, timeStamping EKU, every CA above it
// allows timestamping, the chain is valid at genTime, and genTime lies inside
// the authority's validFor.
#include "sigstore/timestamp.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <climits>
#include <memory>

#include "signature/openssl_handles.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::sigstore {
namespace {

using signature::StoreDeleter;
using signature::StoreContextDeleter;
using signature::StackDeleter;
using signature::X509Deleter;

using signature::Certificate;
using signature::SignatureRejected;

// sigstore-go's limits.MaxAllowedTimestamps; one token with its chain is a few KiB.
constexpr std::size_t kMaxTokens = 32;
constexpr std::size_t kMaxTokenBytes = 64 * 1024;

struct TsRespDeleter {
    void operator()(TS_RESP* response) const { TS_RESP_free(response); }
};
struct VerifyContextDeleter {
    void operator()(TS_VERIFY_CTX* context) const { TS_VERIFY_CTX_free(context); }
};
struct EkuDeleter {
    void operator()(EXTENDED_KEY_USAGE* usages) const { EXTENDED_KEY_USAGE_free(usages); }
};
using CertificateStack = std::unique_ptr<STACK_OF(X509), StackDeleter>;

// The reasons OpenSSL queued (with their data, e.g. "Verify error:certificate has expired"), then cleared.
std::string openssl_reasons() {
    std::string reasons;
    const char* data = nullptr;
    int flags = 0;
    while (unsigned long code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
        const char* reason = ERR_reason_error_string(code);
        std::string one = reason ? reason : "error " + std::to_string(ERR_GET_REASON(code));
        if (data && (flags & ERR_TXT_STRING) && *data) one += std::string(" (") + data + ")";
        reasons += (reasons.empty() ? "" : ": ") + one;
    }
    return reasons.empty() ? "unknown OpenSSL failure" : reasons;
}

std::string certificate_subject(X509* certificate) {
    X509_up_ref(certificate);
    return Certificate(certificate).subject();
}

// A DER TimeStampResp whose status granted a token, and what the checks need from it.
struct ParsedToken {
    std::unique_ptr<TS_RESP, TsRespDeleter> response;
    PKCS7* token = nullptr;          // owned by response
    TS_TST_INFO* info = nullptr;     // owned by response
    std::time_t gen_time = 0;        // whole seconds
    bool gen_time_has_fraction = false;
};

// The timestamp-authority verifier accepts SHA-256, SHA-384 and SHA-512 imprints;
// SHA-1 is refused as weak, anything else as unsupported.
void require_accepted_imprint_algorithm(TS_TST_INFO* info) {
    const ASN1_OBJECT* algorithm = nullptr;
    X509_ALGOR_get0(&algorithm, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(info)));
    int nid = OBJ_obj2nid(algorithm);
    if (nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512) return;
    if (nid == NID_sha1) throw SignatureRejected("its message imprint uses the weak hash algorithm SHA-1");
    char name[80] = "?";
    if (algorithm) OBJ_obj2txt(name, sizeof name, algorithm, 0);
    throw SignatureRejected(std::string("its message imprint uses the unsupported hash algorithm ") + name);
}

void read_gen_time(ParsedToken& parsed) {
    const ASN1_GENERALIZEDTIME* gen_time = TS_TST_INFO_get_time(parsed.info);
    struct tm parts {};
    if (!gen_time || ASN1_TIME_to_tm(gen_time, &parts) != 1) throw SignatureRejected("its genTime is not a valid time");
    parsed.gen_time = ::timegm(&parts);
    std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen_time)), ASN1_STRING_length(gen_time));
    std::size_t point = text.find('.');
    if (point != std::string_view::npos)
        for (char c : text.substr(point + 1))
            if (c >= '1' && c <= '9') parsed.gen_time_has_fraction = true;
}

// RFC3161SignedTimestamp: "Signed timestamp is the DER encoded TimeStampResponse"
// (protobuf-specs), as sigstore-go parses it; a bare TimeStampToken is refused.
// Status granted or grantedWithMods: RFC 3161 2.4.2 carries a token only then.
ParsedToken parse_token(std::string_view untrusted_der) {
    if (untrusted_der.empty()) throw SignatureRejected("it is empty");
    if (untrusted_der.size() > kMaxTokenBytes)
        throw SignatureRejected("it is larger than " + std::to_string(kMaxTokenBytes) + " bytes");
    ParsedToken parsed;
    auto cursor = reinterpret_cast<const unsigned char*>(untrusted_der.data());
    const unsigned char* end = cursor + untrusted_der.size();
    ERR_clear_error();
    parsed.response.reset(d2i_TS_RESP(nullptr, &cursor, static_cast<long>(untrusted_der.size())));
    if (!parsed.response) throw SignatureRejected("it is not a DER TimeStampResp: " + openssl_reasons());
    if (cursor != end) throw SignatureRejected("it has trailing bytes after the TimeStampResp");
    long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(parsed.response.get())));
    if (status != 0 && status != 1) throw SignatureRejected("its status is " + std::to_string(status) + ", not granted");
    parsed.token = TS_RESP_get_token(parsed.response.get());
    parsed.info = TS_RESP_get_tst_info(parsed.response.get());
    if (!parsed.token || !parsed.info || !PKCS7_type_is_signed(parsed.token) || !parsed.token->d.sign)
        throw SignatureRejected("it carries no signed time-stamp token");
    require_accepted_imprint_algorithm(parsed.info);
    read_gen_time(parsed);
    return parsed;
}

// sigstore-go's ParseTimestampingAuthority: the first certificate is the TSA
// leaf when it is not a CA, the last is the root, the rest are intermediates.
struct AuthorityChain {
    X509* leaf = nullptr;
    std::vector<X509*> intermediates;
    X509* root = nullptr;
};

bool is_ca(X509* certificate) { return (X509_get_extension_flags(certificate) & EXFLAG_CA) != 0; }

AuthorityChain split_chain(const CertificateAuthority& authority) {
    AuthorityChain parts;
    const auto& chain = authority.chain;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        if (i == 0 && !is_ca(chain[i].get())) parts.leaf = chain[i].get();
        else if (i + 1 < chain.size()) parts.intermediates.push_back(chain[i].get());
        else parts.root = chain[i].get();
    }
    if (!parts.root) throw SignatureRejected("the authority lists no root certificate");
    return parts;
}

STACK_OF(X509) * embedded_certificates(const ParsedToken& parsed) { return parsed.token->d.sign->cert; }

// The certificate that must have signed: the authority's TSA certificate when
// the root lists one (a certificate the token embeds under the signer's issuer
// and serial must be that same certificate), else the embedded certificate the
// SignerInfo names, which is trusted only once it chains to the root.
X509* expected_signer(const ParsedToken& parsed, const AuthorityChain& parts) {
    STACK_OF(PKCS7_SIGNER_INFO)* signers = PKCS7_get_signer_info(parsed.token);
    if (!signers || sk_PKCS7_SIGNER_INFO_num(signers) != 1)
        throw SignatureRejected("the token does not have exactly one signer");
    PKCS7_ISSUER_AND_SERIAL* id = sk_PKCS7_SIGNER_INFO_value(signers, 0)->issuer_and_serial;
    X509* embedded = X509_find_by_issuer_and_serial(embedded_certificates(parsed), id->issuer, id->serial);
    if (!parts.leaf) {
        if (!embedded) throw SignatureRejected("the token embeds no signer certificate and the authority lists no TSA certificate");
        return embedded;
    }
    if (X509_NAME_cmp(X509_get_issuer_name(parts.leaf), id->issuer) != 0 ||
        ASN1_INTEGER_cmp(X509_get0_serialNumber(parts.leaf), id->serial) != 0)
        throw SignatureRejected("the token's signer is not the authority's TSA certificate \"" + certificate_subject(parts.leaf) + "\"");
    if (embedded && X509_cmp(embedded, parts.leaf) != 0)
        throw SignatureRejected("the certificate embedded in the token does not match the authority's TSA certificate");
    return parts.leaf;
}

// RFC 3161 2.3: the TSA "MUST sign each time-stamp message with a key reserved
// specifically for that purpose ... The corresponding certificate MUST contain
// only one instance of the extended key usage field extension ... with
// KeyPurposeID having value: id-kp-timeStamping. This extension MUST be critical."
void require_timestamping_leaf(X509* signer) {
    std::string who = "the TSA certificate \"" + certificate_subject(signer) + "\"";
    if (is_ca(signer)) throw SignatureRejected(who + " is a CA certificate, not an end entity");
    int index = X509_get_ext_by_NID(signer, NID_ext_key_usage, -1);
    if (index < 0) throw SignatureRejected(who + " has no extended key usage");
    if (X509_get_ext_by_NID(signer, NID_ext_key_usage, index) >= 0)
        throw SignatureRejected(who + " has more than one extended key usage extension");
    if (!X509_EXTENSION_get_critical(X509_get_ext(signer, index)))
        throw SignatureRejected(who + " has an extended key usage that is not critical");
    std::unique_ptr<EXTENDED_KEY_USAGE, EkuDeleter> usages(
        static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(signer, NID_ext_key_usage, nullptr, nullptr)));
    if (!usages || sk_ASN1_OBJECT_num(usages.get()) != 1 || OBJ_obj2nid(sk_ASN1_OBJECT_value(usages.get(), 0)) != NID_time_stamp)
        throw SignatureRejected(who + " must have exactly one extended key usage, timeStamping");
}

// Go's x509.Verify: a certificate is still valid at its NotAfter second.
int go_time_semantics_callback(int ok, X509_STORE_CTX* context) {
    if (ok || X509_STORE_CTX_get_error(context) != X509_V_ERR_CERT_HAS_EXPIRED) return ok;
    X509* current = X509_STORE_CTX_get_current_cert(context);
    std::time_t at = X509_VERIFY_PARAM_get_time(X509_STORE_CTX_get0_param(context));
    return current && ASN1_TIME_cmp_time_t(X509_get0_notAfter(current), at) == 0;
}

// The authority's root is the only anchor (Go CertPool semantics: partial
// chains allowed); every certificate is checked at genTime, as
// timestamp-authority's VerifyTimestampResponse does ("the TSA certificate must
// have been valid when the timestamp was issued").
std::unique_ptr<X509_STORE, StoreDeleter> store_for(const AuthorityChain& parts, std::time_t gen_time) {
    std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
    if (!store || X509_STORE_add_cert(store.get(), parts.root) != 1) throw SignatureRejected("cannot set up verification");
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), gen_time);
    X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_set_verify_cb(store.get(), go_time_semantics_callback);
    return store;
}

CertificateStack untrusted_certificates(X509* signer, const AuthorityChain& parts, const ParsedToken& parsed) {
    CertificateStack stack(sk_X509_new_null());
    if (!stack) throw SignatureRejected("out of memory");
    sk_X509_push(stack.get(), signer);
    for (X509* intermediate : parts.intermediates) sk_X509_push(stack.get(), intermediate);
    STACK_OF(X509)* embedded = embedded_certificates(parsed);
    for (int i = 0; i < sk_X509_num(embedded); ++i) sk_X509_push(stack.get(), sk_X509_value(embedded, i));
    return stack;
}

// EKU chaining (timestamp-authority's verifyIntermediateExtendedKeyUsage, Go's
// checkChainForKeyUsage): a CA with an EKU must allow timeStamping or any usage.
// Go (1.18 and later) also refuses certificate signatures made with SHA-1 or MD5.
void check_issuers(STACK_OF(X509) * chain) {
    for (int i = 1; i < sk_X509_num(chain); ++i) {
        X509* certificate = sk_X509_value(chain, i);
        if (!(X509_get_extension_flags(certificate) & EXFLAG_XKUSAGE)) continue;
        if (X509_get_extended_key_usage(certificate) & (XKU_TIMESTAMP | XKU_ANYEKU)) continue;
        throw SignatureRejected("the issuing certificate \"" + certificate_subject(certificate) + "\" does not allow timestamping");
    }
    for (int i = 0; i + 1 < sk_X509_num(chain); ++i) {
        int nid = X509_get_signature_nid(sk_X509_value(chain, i));
        if (nid == NID_sha1WithRSAEncryption || nid == NID_ecdsa_with_SHA1 || nid == NID_dsaWithSHA1 ||
            nid == NID_md5WithRSAEncryption || nid == NID_md2WithRSAEncryption)
            throw SignatureRejected(std::string("the TSA chain uses the insecure algorithm ") + OBJ_nid2ln(nid));
    }
}

void verify_chain(X509* signer, X509_STORE* store, STACK_OF(X509) * untrusted) {
    std::unique_ptr<X509_STORE_CTX, StoreContextDeleter> context(X509_STORE_CTX_new());
    ERR_clear_error();
    if (!context || X509_STORE_CTX_init(context.get(), store, signer, untrusted) != 1)
        throw SignatureRejected("cannot set up chain verification: " + openssl_reasons());
    X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_TIMESTAMP_SIGN);
    if (X509_verify_cert(context.get()) != 1) {
        ERR_clear_error();
        X509* failing = X509_STORE_CTX_get_current_cert(context.get());
        throw SignatureRejected("the TSA certificate chain does not verify at genTime: " +
                                std::string(X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()))) +
                                (failing ? " (certificate \"" + certificate_subject(failing) + "\")" : std::string()));
    }
    check_issuers(X509_STORE_CTX_get0_chain(context.get()));
}

// One authority: the signer, its chain at genTime, the CMS signature, then the validity window.
void verify_with_authority(const ParsedToken& parsed, const CertificateAuthority& authority) {
    AuthorityChain parts = split_chain(authority);
    X509* signer = expected_signer(parsed, parts);
    require_timestamping_leaf(signer);
    auto store = store_for(parts, parsed.gen_time);
    CertificateStack untrusted = untrusted_certificates(signer, parts, parsed);
    verify_chain(signer, store.get(), untrusted.get());
    X509* verified_signer = nullptr;
    ERR_clear_error();
    int verified = TS_RESP_verify_signature(parsed.token, untrusted.get(), store.get(), &verified_signer);
    std::unique_ptr<X509, X509Deleter> signer_owner(verified_signer);
    if (verified != 1)
        throw SignatureRejected("its signature does not verify with the TSA certificate \"" + certificate_subject(signer) +
                                "\": " + openssl_reasons());
    if (!verified_signer || X509_cmp(verified_signer, signer) != 0)
        throw SignatureRejected("it was verified with another certificate than the expected signer");
    // TimeRange: both ends inclusive; a genTime with a fraction in the end second is after it.
    bool after_end = authority.valid_for.end && parsed.gen_time == *authority.valid_for.end && parsed.gen_time_has_fraction;
    if (!authority.valid_for.contains(parsed.gen_time) || after_end)
        throw SignatureRejected("its genTime " + signature::rfc3339_utc(parsed.gen_time) +
                                " is outside the authority's validFor window");
}

// TS_RESP_verify_response without TS_VFY_SIGNATURE (already done): the version
// and "the message imprint ... MUST match the hash of the signature".
void verify_imprint(const ParsedToken& parsed, std::string_view signature_bytes) {
    if (signature_bytes.size() > static_cast<std::size_t>(INT_MAX)) throw SignatureRejected("the signature is too large");
    std::unique_ptr<TS_VERIFY_CTX, VerifyContextDeleter> context(TS_VERIFY_CTX_new());
    BIO* data = BIO_new_mem_buf(signature_bytes.data(), static_cast<int>(signature_bytes.size()));
    if (!context || !data) {
        BIO_free(data);
        throw SignatureRejected("cannot set up imprint verification");
    }
    TS_VERIFY_CTX_set_data(context.get(), data);  // the context owns it from here
    TS_VERIFY_CTX_set_flags(context.get(), TS_VFY_VERSION | TS_VFY_DATA);
    ERR_clear_error();
    if (TS_RESP_verify_response(context.get(), parsed.response.get()) != 1)
        throw SignatureRejected("it does not timestamp this signature: " + openssl_reasons());
}

std::string authority_name(const CertificateAuthority& authority, std::size_t index) {
    if (!authority.subject.empty()) return authority.subject;
    if (!authority.uri.empty()) return authority.uri;
    return "timestamp authority #" + std::to_string(index + 1);
}

VerifiedTimestamp verify_token(const TrustedRoot& root, std::string_view untrusted_der, std::string_view signature_bytes) {
    ParsedToken parsed = parse_token(untrusted_der);
    if (root.timestamp_authorities.empty()) throw SignatureRejected("the trusted root lists no timestamp authority");
    std::string failures;
    for (std::size_t i = 0; i < root.timestamp_authorities.size(); ++i) {
        const CertificateAuthority& authority = root.timestamp_authorities[i];
        try {
            verify_with_authority(parsed, authority);
        } catch (const SignatureRejected& failure) {
            failures += (failures.empty() ? "" : "; ") + authority_name(authority, i) + ": " + failure.what();
            continue;
        }
        verify_imprint(parsed, signature_bytes);
        return VerifiedTimestamp{parsed.gen_time, authority.uri.empty() ? authority.subject : authority.uri};
    }
    throw SignatureRejected("no trusted timestamp authority verifies it (" + failures + ")");
}

}  // namespace

std::vector<VerifiedTimestamp> verify_rfc3161_timestamps(const TrustedRoot& root,
                                                         const std::vector<std::string>& untrusted_der_tokens,
                                                         std::string_view signature_bytes) {
    if (untrusted_der_tokens.size() > kMaxTokens)
        throw SignatureRejected("too many RFC 3161 timestamps: " + std::to_string(untrusted_der_tokens.size()) + " > " +
                                std::to_string(kMaxTokens));
    std::vector<VerifiedTimestamp> verified;
    for (std::size_t i = 0; i < untrusted_der_tokens.size(); ++i) {
        try {
            verified.push_back(verify_token(root, untrusted_der_tokens[i], signature_bytes));
        } catch (const SignatureRejected& failure) {
            throw SignatureRejected("RFC 3161 timestamp " + std::to_string(i + 1) + " of " +
                                    std::to_string(untrusted_der_tokens.size()) + " rejected: " + failure.what());
        }
    }
    return verified;
}

}  // namespace imgtrust::sigstore
