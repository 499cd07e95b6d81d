// The parts of a certificate that keyless identities are made of: subject
// alternative names as sigstore's cryptoutils.GetSubjectAlternateNames lists
// them, and the Fulcio extensions of sigstore/fulcio docs/oid-info.md.
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdio>
#include <memory>

#include "signature/certificate_identity.hpp"
#include "signature/openssl_handles.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::signature {
namespace {

constexpr std::string_view fulcio_arc = "1.3.6.1.4.1.57264.1.";
constexpr std::string_view oid_fulcio_username = "1.3.6.1.4.1.57264.1.7";


std::string asn1_bytes(const ASN1_STRING* value) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)), static_cast<std::size_t>(ASN1_STRING_length(value)));
}

std::string oid_text(const ASN1_OBJECT* object) {
    char text[96] = {0};
    OBJ_obj2txt(text, sizeof text, object, 1);
    return text;
}

// netip.Addr.String for an IPv6 address that is not IPv4-mapped: lowercase hex
// groups without leading zeros, the first longest run of two or more zero
// groups written "::" (RFC 5952).
std::string go_ipv6_text(const unsigned char* bytes) {
    std::array<unsigned, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i) groups[i] = (unsigned(bytes[2 * i]) << 8) | bytes[2 * i + 1];
    int best_start = -1, best_length = 0;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && groups[static_cast<std::size_t>(j)] == 0) ++j;
        if (j - i > best_length && j - i >= 2) best_start = i, best_length = j - i;
        i = j == i ? i + 1 : j;
    }
    std::string text;
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            text += "::";
            i += best_length - 1;
            continue;
        }
        if (!text.empty() && text.back() != ':') text += ':';
        char group[8];
        std::snprintf(group, sizeof group, "%x", groups[static_cast<std::size_t>(i)]);
        text += group;
    }
    return text;
}

// net.IP.String: "If IPv4, use dotted notation" (4 bytes, or 16 bytes of the
// ::ffff:0:0/96 IPv4-mapped form); else IPv6.
std::string go_ip_text(const ASN1_OCTET_STRING* value) {
    std::string raw = asn1_bytes(value);
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    auto dotted = [](const unsigned char* b) {
        return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." + std::to_string(b[3]);
    };
    if (raw.size() == 4) return dotted(bytes);
    if (raw.size() != 16)
        throw SignatureRejected("x509: cannot parse IP address of length " + std::to_string(raw.size()));
    static constexpr unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(bytes, bytes + 12, mapped_prefix)) return dotted(bytes + 12);
    return go_ipv6_text(bytes);
}

// The Fulcio username SAN: otherName with type-id 1.3.6.1.4.1.57264.1.7 and a UTF8String value.
std::optional<std::string> fulcio_username(const GENERAL_NAME& name) {
    if (name.type != GEN_OTHERNAME || !name.d.otherName || oid_text(name.d.otherName->type_id) != oid_fulcio_username) return std::nullopt;
    const ASN1_TYPE* value = name.d.otherName->value;
    if (!value || value->type != V_ASN1_UTF8STRING) return std::nullopt;
    return asn1_bytes(value->value.utf8string);
}

// asn1.Unmarshal into a Go string: exactly one DER UTF8String, PrintableString
// or IA5String, minimal length, nothing after it.
std::optional<std::string> decode_der_string(const std::string& der) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
    if (der.size() < 2 || (bytes[0] != 0x0C && bytes[0] != 0x13 && bytes[0] != 0x16)) return std::nullopt;
    std::size_t length = bytes[1], header = 2;
    if (length & 0x80) {
        std::size_t count = length & 0x7F;
        if (count == 0 || count > 4 || der.size() < 2 + count || bytes[2] == 0) return std::nullopt;
        length = 0;
        for (std::size_t i = 0; i < count; ++i) length = (length << 8) | bytes[2 + i];
        if (length < 0x80) return std::nullopt;
        header += count;
    }
    if (der.size() != header + length) return std::nullopt;
    return der.substr(header);
}

struct ExtensionField {
    unsigned arc;  // the last OID component under 1.3.6.1.4.1.57264.1
    const char* name;
    std::optional<std::string> FulcioExtensions::*member;
};

// Report names follow hangar's report (githubWorkflowSha …) and sigstore-go's certificate.Extensions.
constexpr ExtensionField extension_fields[] = {
    {1, "oidcIssuer", &FulcioExtensions::issuer_v1},
    {2, "githubWorkflowTrigger", &FulcioExtensions::github_workflow_trigger},
    {3, "githubWorkflowSha", &FulcioExtensions::github_workflow_sha},
    {4, "githubWorkflowName", &FulcioExtensions::github_workflow_name},
    {5, "githubWorkflowRepository", &FulcioExtensions::github_workflow_repository},
    {6, "githubWorkflowRef", &FulcioExtensions::github_workflow_ref},
    {8, "oidcIssuerV2", &FulcioExtensions::issuer_v2},
    {9, "buildSignerURI", &FulcioExtensions::build_signer_uri},
    {10, "buildSignerDigest", &FulcioExtensions::build_signer_digest},
    {11, "runnerEnvironment", &FulcioExtensions::runner_environment},
    {12, "sourceRepositoryURI", &FulcioExtensions::source_repository_uri},
    {13, "sourceRepositoryDigest", &FulcioExtensions::source_repository_digest},
    {14, "sourceRepositoryRef", &FulcioExtensions::source_repository_ref},
    {15, "sourceRepositoryIdentifier", &FulcioExtensions::source_repository_identifier},
    {16, "sourceRepositoryOwnerURI", &FulcioExtensions::source_repository_owner_uri},
    {17, "sourceRepositoryOwnerIdentifier", &FulcioExtensions::source_repository_owner_identifier},
    {18, "buildConfigURI", &FulcioExtensions::build_config_uri},
    {19, "buildConfigDigest", &FulcioExtensions::build_config_digest},
    {20, "buildTrigger", &FulcioExtensions::build_trigger},
    {21, "runInvocationURI", &FulcioExtensions::run_invocation_uri},
    {22, "sourceRepositoryVisibilityAtSigning", &FulcioExtensions::source_repository_visibility_at_signing},
};

const ExtensionField* field_for_oid(std::string_view oid) {
    if (oid.substr(0, fulcio_arc.size()) != fulcio_arc) return nullptr;
    std::string_view last = oid.substr(fulcio_arc.size());
    for (const auto& field : extension_fields)
        if (last == std::to_string(field.arc)) return &field;
    return nullptr;
}

}  // namespace

const char* san_type_name(SanType type) {
    switch (type) {
        case SanType::dns: return "DNS";
        case SanType::email: return "email";
        case SanType::ip: return "IP";
        case SanType::uri: return "URI";
        case SanType::other_name: return "otherName";
    }
    return "?";
}

std::vector<SubjectAlternativeName> certificate_subject_alternative_names(const Certificate& certificate) {
    std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate.get(), NID_subject_alt_name, nullptr, nullptr)));
    std::vector<SubjectAlternativeName> by_type[5];
    const int count = names ? sk_GENERAL_NAME_num(names.get()) : 0;
    for (int i = 0; i < count; ++i) {
        const GENERAL_NAME& name = *sk_GENERAL_NAME_value(names.get(), i);
        switch (name.type) {
            case GEN_DNS: by_type[0].push_back({SanType::dns, asn1_bytes(name.d.dNSName)}); break;
            case GEN_EMAIL: by_type[1].push_back({SanType::email, asn1_bytes(name.d.rfc822Name)}); break;
            case GEN_IPADD: by_type[2].push_back({SanType::ip, go_ip_text(name.d.iPAddress)}); break;
            case GEN_URI: by_type[3].push_back({SanType::uri, asn1_bytes(name.d.uniformResourceIdentifier)}); break;
            case GEN_OTHERNAME:
                // UnmarshalOtherNameSAN yields at most one value; cosign appends it last.
                if (auto username = fulcio_username(name); username && by_type[4].empty())
                    by_type[4].push_back({SanType::other_name, *username});
                break;
            default: break;
        }
    }
    std::vector<SubjectAlternativeName> all;
    for (auto& group : by_type) all.insert(all.end(), group.begin(), group.end());
    return all;
}

FulcioExtensions read_fulcio_extensions(const Certificate& certificate) {
    FulcioExtensions found;
    X509* x509 = certificate.get();
    for (int i = 0; i < X509_get_ext_count(x509); ++i) {
        X509_EXTENSION* extension = X509_get_ext(x509, i);
        std::string oid = oid_text(X509_EXTENSION_get_object(extension));
        const ExtensionField* field = field_for_oid(oid);
        if (!field) continue;
        std::optional<std::string>& slot = found.*(field->member);
        if (slot) throw SignatureRejected("certificate repeats the Fulcio extension " + oid);
        std::string raw = asn1_bytes(X509_EXTENSION_get_data(extension));
        if (field->arc <= 6) {
            slot = raw;  // cosign's CertExtensions: string(ext.Value)
        } else if (auto decoded = decode_der_string(raw)) {
            slot = *decoded;
        } else {
            found.malformed.push_back(oid);
        }
    }
    return found;
}

std::vector<FulcioExtension> FulcioExtensions::present() const {
    std::vector<FulcioExtension> list;
    for (const auto& field : extension_fields)
        if (const auto& value = this->*(field.member))
            list.push_back({std::string(fulcio_arc) + std::to_string(field.arc), field.name, *value});
    return list;
}

}  // namespace imgtrust::signature
