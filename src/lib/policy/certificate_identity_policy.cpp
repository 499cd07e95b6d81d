#include "policy/certificate_identity_policy.hpp"

#include <utility>

namespace imgtrust::policy {
namespace {

struct ExtensionKey {
    const char* key;
    std::string CertificateIdentityExtensions::*field;
    bool regexp;
    bool pki;  // also allowed in "pki"
};

constexpr ExtensionKey extension_keys[] = {
    {"subject", &CertificateIdentityExtensions::subject, false, true},
    {"subjectRegExp", &CertificateIdentityExtensions::subject_regexp, true, true},
    {"subjectURI", &CertificateIdentityExtensions::subject_uri, false, true},
    {"oidcIssuerRegExp", &CertificateIdentityExtensions::oidc_issuer_regexp, true, false},
    {"buildSignerURI", &CertificateIdentityExtensions::build_signer_uri, false, false},
    {"buildSignerURIRegExp", &CertificateIdentityExtensions::build_signer_uri_regexp, true, false},
    {"githubWorkflowTrigger", &CertificateIdentityExtensions::github_workflow_trigger, false, false},
    {"githubWorkflowSha", &CertificateIdentityExtensions::github_workflow_sha, false, false},
    {"githubWorkflowName", &CertificateIdentityExtensions::github_workflow_name, false, false},
    {"githubWorkflowRepository", &CertificateIdentityExtensions::github_workflow_repository, false, false},
    {"githubWorkflowRef", &CertificateIdentityExtensions::github_workflow_ref, false, false},
};

// Reads every extension key allowed in this object: a non-empty string; a
// regexp must compile as Go's regexp.Compile would.
void read_extensions(const rapidjson::Value& object, const std::string& location, bool fulcio,
                     CertificateIdentityExtensions& identity, ErrorSink& sink) {
    for (const auto& entry : extension_keys) {
        if (!fulcio && !entry.pki) continue;
        auto value = read_string(object, location, entry.key, sink);
        if (!value) continue;
        const std::string key_location = member_location(location, entry.key);
        if (value->empty()) {
            sink.report(key_location, "must not be empty");
            continue;
        }
        if (entry.regexp) {
            std::string error = signature::go_regexp_compile_error(*value);
            if (!error.empty()) sink.report(key_location, "invalid RE2 regular expression: " + error);
        }
        identity.*(entry.field) = *value;
    }
    if (has_member(object, "subject") && has_member(object, "subjectRegExp"))
        sink.report(location, "subject and subjectRegExp cannot be used simultaneously");
    if (has_member(object, "buildSignerURI") && has_member(object, "buildSignerURIRegExp"))
        sink.report(location, "buildSignerURI and buildSignerURIRegExp cannot be used simultaneously");
}

bool has_subject_rule(const CertificateIdentityExtensions& identity) {  // an identity beyond the issuer
    return !identity.subject.empty() || !identity.subject_regexp.empty() || !identity.subject_uri.empty() ||
           !identity.build_signer_uri.empty() || !identity.build_signer_uri_regexp.empty();
}

signature::IdentityRequirementSpec spec_of(const CertificateIdentityExtensions& identity) {
    signature::IdentityRequirementSpec spec;
    spec.subject = identity.subject;
    spec.subject_regexp = identity.subject_regexp;
    spec.subject_uri = identity.subject_uri;
    spec.oidc_issuer_regexp = identity.oidc_issuer_regexp;
    spec.build_signer_uri = identity.build_signer_uri;
    spec.build_signer_uri_regexp = identity.build_signer_uri_regexp;
    spec.github_workflow = {identity.github_workflow_trigger, identity.github_workflow_sha, identity.github_workflow_name,
                            identity.github_workflow_repository, identity.github_workflow_ref};
    return spec;
}

}  // namespace

// Reads a c/image text field; "" is refused as c/image's read_required_text does.
std::string read_text(const rapidjson::Value& object, const std::string& location, const char* key, ErrorSink& sink) {
    auto text = read_string(object, location, key, sink);
    if (text && text->empty()) sink.report(member_location(location, key), "must not be empty");
    return text.value_or("");
}

void read_fulcio_identity(const rapidjson::Value& object, const std::string& location, FulcioTrust& fulcio, ErrorSink& sink) {
    const bool issuer_regexp = has_member(object, "oidcIssuerRegExp");
    if (!has_member(object, "oidcIssuer") && !issuer_regexp)
        sink.report(member_location(location, "oidcIssuer"), "missing \"oidcIssuer\": fulcio requires the expected OIDC issuer");
    fulcio.oidc_issuer = read_text(object, location, "oidcIssuer", sink);
    const bool other_subject = has_member(object, "subject") || has_member(object, "subjectRegExp") ||
                               has_member(object, "subjectURI") || has_member(object, "buildSignerURI") ||
                               has_member(object, "buildSignerURIRegExp");
    if (!has_member(object, "subjectEmail") && !other_subject)
        sink.report(member_location(location, "subjectEmail"), "missing \"subjectEmail\": fulcio requires the expected signer email");
    fulcio.subject_email = read_text(object, location, "subjectEmail", sink);
    read_extensions(object, location, true, fulcio.identity, sink);
    if (has_member(object, "oidcIssuer") && issuer_regexp)
        sink.report(location, "oidcIssuer and oidcIssuerRegExp cannot be used simultaneously");
}

bool read_pki_identity(const rapidjson::Value& object, const std::string& location, PkiTrust& pki, ErrorSink& sink) {
    read_extensions(object, location, false, pki.identity, sink);
    pki.subject_email = read_string(object, location, "subjectEmail", sink).value_or("");
    pki.subject_hostname = read_string(object, location, "subjectHostname", sink).value_or("");
    return !pki.subject_email.empty() || !pki.subject_hostname.empty() || has_subject_rule(pki.identity);
}

std::vector<std::string> identity_extension_keys(const CertificateIdentityExtensions& identity) {
    std::vector<std::string> keys;
    for (const auto& entry : extension_keys)
        if (!(identity.*(entry.field)).empty()) keys.push_back(entry.key);
    return keys;
}

std::shared_ptr<const signature::IdentityRequirement> fulcio_identity_requirement(const FulcioTrust& fulcio) {
    if (!fulcio.identity.any()) return nullptr;
    signature::IdentityRequirementSpec spec = spec_of(fulcio.identity);
    spec.oidc_issuer = fulcio.oidc_issuer;
    spec.subject_email = fulcio.subject_email;
    return std::make_shared<const signature::IdentityRequirement>(std::move(spec));
}

std::shared_ptr<const signature::IdentityRequirement> pki_identity_requirement(const PkiTrust& pki) {
    if (!pki.identity.any()) return nullptr;
    signature::IdentityRequirementSpec spec = spec_of(pki.identity);
    spec.subject_email = pki.subject_email;
    spec.require_fulcio_issuer = false;
    if (!spec.subject.empty() || !spec.subject_regexp.empty() || !spec.subject_uri.empty() || !spec.subject_email.empty())
        return std::make_shared<const signature::IdentityRequirement>(std::move(spec));
    return nullptr;
}

}  // namespace imgtrust::policy
