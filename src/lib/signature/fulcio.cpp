#include "signature/fulcio.hpp"

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "signature/rejection.hpp"
#include "signature/rekor_set.hpp"
#include "util/go_quote.hpp"

namespace imgtrust::signature {
namespace {

constexpr const char* oid_issuer_v1 = "1.3.6.1.4.1.57264.1.1";  // deprecated: the raw issuer string
constexpr const char* oid_issuer_v2 = "1.3.6.1.4.1.57264.1.8";  // a DER-encoded string

[[noreturn]] void reject(const std::string& reason) { throw SignatureRejected(reason); }

// asn1.Unmarshal into a Go string: one DER string value, no trailing bytes.
std::string decode_asn1_string(const std::string& der) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
    if (der.size() < 2) reject("invalid ASN.1 in OIDC issuer v2 extension: asn1: syntax error: data truncated");
    unsigned tag = bytes[0];
    std::size_t length = bytes[1], header = 2;
    if (length & 0x80) {
        std::size_t count = length & 0x7F;
        if (count == 0 || count > 4 || der.size() < 2 + count) reject("invalid ASN.1 in OIDC issuer v2 extension: asn1: syntax error: invalid length");
        length = 0;
        for (std::size_t i = 0; i < count; ++i) length = (length << 8) | bytes[2 + i];
        if (length < 0x80 || bytes[2] == 0) reject("invalid ASN.1 in OIDC issuer v2 extension: asn1: structure error: non-minimal length");
        header += count;
    }
    if (der.size() - header < length) reject("invalid ASN.1 in OIDC issuer v2 extension: asn1: syntax error: data truncated");
    // UTF8String, PrintableString, IA5String: the string types Go decodes into a string here.
    if (tag != 0x0C && tag != 0x13 && tag != 0x16)
        reject("invalid ASN.1 in OIDC issuer v2 extension: asn1: structure error: tags don't match (expected a string, got tag " +
               std::to_string(tag) + ")");
    if (der.size() != header + length) reject("invalid ASN.1 in OIDC issuer v2 extension, trailing data");
    return der.substr(header, length);
}

}  // namespace

std::string required_email_not_found(const std::string& wanted, const std::vector<std::string>& got) {
    std::string list = "[";
    for (std::size_t i = 0; i < got.size(); ++i) list += (i ? " " : "") + util::go_quote(got[i]);
    return "Required email " + util::go_quote(wanted) + " not found (got " + list + "])";
}

CertificateSummary summarize_certificate(const Certificate& certificate) {
    CertificateSummary summary;
    summary.subject = certificate.subject();
    summary.issuer = certificate.issuer();
    for (const auto& value : certificate.email_addresses()) summary.subject_alternative_names.push_back("email:" + value);
    for (const auto& value : certificate.dns_names()) summary.subject_alternative_names.push_back("DNS:" + value);
    for (const auto& value : certificate.uris()) summary.subject_alternative_names.push_back("URI:" + value);
    for (const auto& value : certificate.ip_addresses()) summary.subject_alternative_names.push_back("IP:" + value);
    return summary;
}

IdentityRequirement fulcio_identity_requirement(const FulcioTrustRoot& trust) {
    if (trust.identity) return *trust.identity;
    IdentityRequirementSpec spec;
    spec.oidc_issuer = trust.oidc_issuer;
    spec.subject_email = trust.subject_email;
    return IdentityRequirement(std::move(spec));
}

CertificateSummary summarize_identity_match(const Certificate& certificate, const IdentityMatch& match) {
    CertificateSummary summary = summarize_certificate(certificate);
    summary.oidc_issuer = match.oidc_issuer;
    // The Fulcio username otherName is a SAN for cosign too; listed last, after the types summarize_certificate lists.
    for (const auto& san : match.subject_alternative_names)
        if (san.type == SanType::other_name) summary.subject_alternative_names.push_back("otherName:" + san.value);
    if (match.matched_san) summary.matched_san = std::string(san_type_name(match.matched_san->type)) + ":" + match.matched_san->value;
    summary.fulcio_extensions = match.extensions.present();
    return summary;
}

std::string fulcio_issuer_in_certificate(const Certificate& untrusted_certificate) {
    std::optional<std::string> issuer_v1, issuer_v2;
    X509* certificate = untrusted_certificate.get();
    for (int i = 0; i < X509_get_ext_count(certificate); ++i) {
        X509_EXTENSION* extension = X509_get_ext(certificate, i);
        char oid[80] = {0};
        OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(extension), 1);
        const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(extension);
        std::string raw(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)), static_cast<std::size_t>(ASN1_STRING_length(value)));
        if (std::string_view(oid) == oid_issuer_v1) {
            if (issuer_v1) reject("Fulcio certificate has a duplicate OIDC issuer v1 extension");
            issuer_v1 = raw;
        } else if (std::string_view(oid) == oid_issuer_v2) {
            if (issuer_v2) reject("Fulcio certificate has a duplicate OIDC issuer v2 extension");
            issuer_v2 = decode_asn1_string(raw);
        }
    }
    if (issuer_v1 && issuer_v2 && *issuer_v1 != *issuer_v2)
        reject("inconsistent OIDC issuer extension values: v1 " + util::go_quote(*issuer_v1) + ", v2 " + util::go_quote(*issuer_v2));
    if (issuer_v1) return *issuer_v1;
    if (issuer_v2) return *issuer_v2;
    reject("Fulcio certificate is missing the issuer extension");
}

std::vector<Certificate> untrusted_intermediates_from_chain(std::string_view untrusted_chain_pem) {
    if (untrusted_chain_pem.empty()) return {};
    std::vector<Certificate> chain;
    try {
        chain = parse_certificates_pem(untrusted_chain_pem);
    } catch (const SignatureRejected& e) {
        reject(std::string("loading certificate chain: ") + e.what());
    }
    if (!chain.empty()) chain.pop_back();
    return chain;
}

VerifiedCertificate verify_fulcio_certificate_at_time(const FulcioTrustRoot& trust, std::time_t relevant_time,
                                                      std::string_view untrusted_certificate_pem,
                                                      std::string_view untrusted_chain_pem) {
    std::vector<Certificate> intermediates = untrusted_intermediates_from_chain(untrusted_chain_pem);
    Certificate leaf = parse_leaf_certificate_pem(untrusted_certificate_pem);
    verify_certificate_chain(leaf, intermediates, trust.ca_certificates, relevant_time, "the Rekor SET's integrated time");
    IdentityMatch match = match_certificate_identity(leaf, fulcio_identity_requirement(trust));
    CertificateSummary summary = summarize_identity_match(leaf, match);
    return VerifiedCertificate{leaf.public_key(), std::move(summary)};
}

VerifiedCertificate verify_rekor_fulcio(const std::vector<PublicKey>& rekor_keys, const FulcioTrustRoot& trust,
                                        std::string_view untrusted_set, std::string_view untrusted_certificate_pem,
                                        std::string_view untrusted_chain_pem, std::string_view untrusted_base64_signature,
                                        std::string_view untrusted_payload) {
    VerifiedRekorSet set =
        verify_rekor_set(rekor_keys, untrusted_set, untrusted_certificate_pem, untrusted_base64_signature, untrusted_payload);
    VerifiedCertificate verified = verify_fulcio_certificate_at_time(trust, static_cast<std::time_t>(set.integrated_time),
                                                                     untrusted_certificate_pem, untrusted_chain_pem);
    verified.summary.integrated_time = set.integrated_time;
    return verified;
}

}  // namespace imgtrust::signature
