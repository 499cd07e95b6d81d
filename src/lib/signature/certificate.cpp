#include "signature/certificate.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <set>

#include "signature/go_compat.hpp"
#include "signature/openssl_handles.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::signature {
namespace {

constexpr std::string_view pem_begin = "-----BEGIN ";
constexpr std::string_view pem_end = "\n-----END ";
constexpr std::string_view pem_line_end = "-----";

// encoding/pem getLine: the line without its trailing spaces, tabs and '\r'; rest after '\n'.
std::pair<std::string_view, std::string_view> get_line(std::string_view data) {
    std::size_t newline = data.find('\n');
    std::string_view line = data.substr(0, newline);
    std::string_view rest = newline == std::string_view::npos ? std::string_view() : data.substr(newline + 1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    return {line, rest};
}

std::string remove_spaces_and_tabs(std::string_view data) {
    std::string out;
    for (char c : data)
        if (c != ' ' && c != '\t') out += c;
    return out;
}


std::string name_line(const X509_NAME* name) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (!bio) return {};
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long length = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    return text;
}

std::string asn1_text(const ASN1_STRING* value) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)), static_cast<std::size_t>(ASN1_STRING_length(value)));
}

std::string ip_text(const ASN1_OCTET_STRING* value) {
    char buffer[INET6_ADDRSTRLEN] = {0};
    int length = ASN1_STRING_length(value);
    const unsigned char* bytes = ASN1_STRING_get0_data(value);
    if (length == 4) inet_ntop(AF_INET, bytes, buffer, sizeof buffer);
    else if (length == 16) inet_ntop(AF_INET6, bytes, buffer, sizeof buffer);
    else return "<invalid IP SAN>";
    return buffer;
}

template <typename Visit>
void for_each_san(X509* certificate, Visit visit) {
    std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) visit(*sk_GENERAL_NAME_value(names.get(), i));
}

std::vector<std::string> sans_of_type(X509* certificate, int type) {
    std::vector<std::string> values;
    for_each_san(certificate, [&](const GENERAL_NAME& name) {
        if (name.type != type) return;
        values.push_back(type == GEN_IPADD ? ip_text(name.d.iPAddress) : asn1_text(name.d.ia5));
    });
    return values;
}

// Go's x509.ParseCertificate refuses certificates that repeat an extension.
bool has_duplicate_extensions(X509* certificate) {
    std::set<std::string> seen;
    for (int i = 0; i < X509_get_ext_count(certificate); ++i) {
        const ASN1_OBJECT* oid = X509_EXTENSION_get_object(X509_get_ext(certificate, i));
        char text[128] = {0};
        OBJ_obj2txt(text, sizeof text, oid, 1);
        if (!seen.insert(text).second) return true;
    }
    return false;
}

// x509.ParseCertificate on one DER blob; nullopt with `error` on failure.
std::optional<Certificate> parse_der_certificate(const std::string& der, std::string& error) {
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    X509* parsed = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()));
    ERR_clear_error();
    if (!parsed) {
        error = "x509: malformed certificate";
        return std::nullopt;
    }
    Certificate certificate(parsed);
    if (cursor != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
        error = "x509: trailing data";
        return std::nullopt;
    }
    if (has_duplicate_extensions(parsed)) {
        error = "x509: certificate contains duplicate extensions";
        return std::nullopt;
    }
    return certificate;
}

}  // namespace

std::optional<GoPemBlock> go_pem_decode(std::string_view data, std::string_view& rest) {
    rest = data;
    for (;;) {
        if (rest.substr(0, pem_begin.size()) == pem_begin) {
            rest.remove_prefix(pem_begin.size());
        } else if (std::size_t found = rest.find("\n-----BEGIN "); found != std::string_view::npos) {
            rest.remove_prefix(found + 1 + pem_begin.size());
        } else {
            rest = data;
            return std::nullopt;
        }
        auto [type_line, after_type] = get_line(rest);
        rest = after_type;
        if (type_line.size() < pem_line_end.size() || type_line.substr(type_line.size() - pem_line_end.size()) != pem_line_end) continue;
        GoPemBlock block;
        block.type = std::string(type_line.substr(0, type_line.size() - pem_line_end.size()));
        for (;;) {  // "Key: value" header lines
            if (rest.empty()) {
                rest = data;
                return std::nullopt;
            }
            auto [line, next] = get_line(rest);
            if (line.find(':') == std::string_view::npos) break;
            block.has_headers = true;
            rest = next;
        }
        std::size_t end_index = 0, trailer_index = 0;
        if (!block.has_headers && rest.substr(0, pem_end.size() - 1) == pem_end.substr(1)) {
            trailer_index = pem_end.size() - 1;
        } else {
            end_index = rest.find(pem_end);
            if (end_index == std::string_view::npos) continue;
            trailer_index = end_index + pem_end.size();
        }
        std::string_view trailer = rest.substr(trailer_index);
        std::size_t trailer_length = block.type.size() + pem_line_end.size();
        if (trailer.size() < trailer_length) continue;
        std::string_view rest_of_end_line = trailer.substr(trailer_length);
        trailer = trailer.substr(0, trailer_length);
        if (trailer.substr(0, block.type.size()) != block.type || trailer.substr(block.type.size()) != pem_line_end) continue;
        if (!get_line(rest_of_end_line).first.empty()) continue;
        std::string error;
        auto bytes = go_base64_std_decode(remove_spaces_and_tabs(rest.substr(0, end_index)), error);
        if (!bytes) continue;
        block.bytes = std::move(*bytes);
        rest = get_line(rest.substr(end_index + pem_end.size() - 1)).second;
        return block;
    }
}

Certificate::Certificate(X509* owned_certificate) : certificate_(owned_certificate, X509_free) {}

std::string Certificate::subject() const { return name_line(X509_get_subject_name(get())); }
std::string Certificate::issuer() const { return name_line(X509_get_issuer_name(get())); }
std::vector<std::string> Certificate::email_addresses() const { return sans_of_type(get(), GEN_EMAIL); }
std::vector<std::string> Certificate::dns_names() const { return sans_of_type(get(), GEN_DNS); }
std::vector<std::string> Certificate::uris() const { return sans_of_type(get(), GEN_URI); }
std::vector<std::string> Certificate::ip_addresses() const { return sans_of_type(get(), GEN_IPADD); }

bool Certificate::has_unhandled_critical_san() const {
    int position = X509_get_ext_by_NID(get(), NID_subject_alt_name, -1);
    if (position < 0 || !X509_EXTENSION_get_critical(X509_get_ext(get(), position))) return false;
    return email_addresses().empty() && dns_names().empty() && uris().empty() && ip_addresses().empty();
}

std::string Certificate::validity_window() const {
    std::time_t not_before = 0, not_after = 0;
    ASN1_TIME* epoch = ASN1_TIME_set(nullptr, 0);
    int days = 0, seconds = 0;
    if (epoch && ASN1_TIME_diff(&days, &seconds, epoch, X509_get0_notBefore(get())))
        not_before = static_cast<std::time_t>(days) * 86400 + seconds;
    if (epoch && ASN1_TIME_diff(&days, &seconds, epoch, X509_get0_notAfter(get())))
        not_after = static_cast<std::time_t>(days) * 86400 + seconds;
    ASN1_TIME_free(epoch);
    return "valid from " + rfc3339_utc(not_before) + " to " + rfc3339_utc(not_after);
}

PublicKey Certificate::public_key() const {
    EVP_PKEY* key = X509_get_pubkey(get());
    if (!key) {
        ERR_clear_error();
        throw SignatureRejected("the certificate's public key cannot be used");
    }
    return PublicKey(key);
}

std::vector<Certificate> parse_certificates_pem(std::string_view untrusted_pem) {
    std::vector<Certificate> certificates;
    std::string_view remaining = untrusted_pem;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    while (!remaining.empty() && is_space(remaining.front())) remaining.remove_prefix(1);
    while (!remaining.empty() && is_space(remaining.back())) remaining.remove_suffix(1);
    while (!remaining.empty()) {
        std::string_view rest;
        auto block = go_pem_decode(remaining, rest);
        if (!block) throw SignatureRejected("error during PEM decoding");
        remaining = rest;
        std::string error;
        auto certificate = parse_der_certificate(block->bytes, error);
        if (!certificate) throw SignatureRejected(error);
        certificates.push_back(std::move(*certificate));
    }
    return certificates;
}

Certificate parse_leaf_certificate_pem(std::string_view untrusted_pem) {
    std::vector<Certificate> leaves;
    try {
        leaves = parse_certificates_pem(untrusted_pem);
    } catch (const SignatureRejected& e) {
        throw SignatureRejected(std::string("parsing leaf certificate: ") + e.what());
    }
    if (leaves.empty()) throw SignatureRejected("no certificate found in signature certificate data");
    if (leaves.size() > 1) throw SignatureRejected("unexpected multiple certificates present in signature certificate data");
    return leaves.front();
}

std::vector<Certificate> collect_pool_certificates_pem(std::string_view pem) {
    std::vector<Certificate> pool;
    std::string_view remaining = pem;
    while (!remaining.empty()) {
        std::string_view rest;
        auto block = go_pem_decode(remaining, rest);
        if (!block) break;
        remaining = rest;
        if (block->type != "CERTIFICATE" || block->has_headers) continue;
        std::string error;
        if (auto certificate = parse_der_certificate(block->bytes, error)) pool.push_back(std::move(*certificate));
    }
    return pool;
}

std::string rfc3339_utc(std::time_t time) {
    std::tm parts{};
    gmtime_r(&time, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buffer;
}

}  // namespace imgtrust::signature
