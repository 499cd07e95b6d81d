// `imgtrust policy show`'s data: podman's pkg/trust PolicyDescription rules
// (one entry per requirement; "default" first, then the transports and their
// scopes sorted by name; podman names insecureAcceptAnything "accept" and
// signedBy "signed"), with imgtrust's requirement fields and registries.d
// lookup. Nothing here reads key files: keys are listed as the policy names them.
#include "policy/policy_summary.hpp"

#include <unistd.h>

#include "imgtrust/errors.hpp"
#include "imgtrust/reference.hpp"
#include "util/home_directory.hpp"

namespace imgtrust::policy {
namespace {

// podman's typeDescription map; signedBaseLayer, which podman does not list, keeps its own name.
std::string podman_description(const std::string& type) {
    if (type == "insecureAcceptAnything") return "accept";
    if (type == "signedBy") return "signed";
    return type;
}

std::string identity_text(const SignedIdentity& identity) {
    std::string text = identity_kind_name(identity.kind);
    switch (identity.kind) {
        case SignedIdentity::Kind::exact_reference: return text + " " + identity.docker_reference;
        case SignedIdentity::Kind::exact_repository: return text + " " + identity.docker_repository;
        case SignedIdentity::Kind::remap_identity: return text + " " + identity.prefix + " -> " + identity.signed_prefix;
        default: return text;
    }
}

std::string data_text(const std::string& field, const std::string& bytes) {
    return field + " (" + std::to_string(bytes.size()) + " bytes)";
}

void add_optional(std::vector<std::string>& out, const std::string& label, const std::optional<std::string>& path,
                  const std::optional<std::string>& data, const std::string& data_field) {
    if (path) out.push_back(label + *path);
    if (data) out.push_back(label + data_text(data_field, *data));
}

void add_extensions(std::vector<std::string>& out, const CertificateIdentityExtensions& rules) {
    const std::pair<const char*, const std::string*> fields[] = {
        {"subject", &rules.subject},
        {"subjectRegExp", &rules.subject_regexp},
        {"subjectURI", &rules.subject_uri},
        {"oidcIssuerRegExp", &rules.oidc_issuer_regexp},
        {"buildSignerURI", &rules.build_signer_uri},
        {"buildSignerURIRegExp", &rules.build_signer_uri_regexp},
        {"githubWorkflowTrigger", &rules.github_workflow_trigger},
        {"githubWorkflowSha", &rules.github_workflow_sha},
        {"githubWorkflowName", &rules.github_workflow_name},
        {"githubWorkflowRepository", &rules.github_workflow_repository},
        {"githubWorkflowRef", &rules.github_workflow_ref},
    };
    for (const auto& [name, value] : fields)
        if (!value->empty()) out.push_back(std::string(name) + "=" + *value);
}

void add_field(std::vector<std::string>& out, const char* name, const std::string& value) {
    if (!value.empty()) out.push_back(std::string(name) + "=" + value);
}

void describe_signed_by(const SignedByRequirement& requirement, RequirementSummary& out) {
    out.key_type = requirement.key_type;
    if (requirement.key_path) out.keys.push_back(*requirement.key_path);
    if (requirement.key_paths) out.keys.insert(out.keys.end(), requirement.key_paths->begin(), requirement.key_paths->end());
    if (requirement.key_data) out.keys.push_back(data_text("keyData", *requirement.key_data));
    out.identity = identity_text(requirement.signed_identity);
}

void describe_keyless(const SigstoreSignedRequirement& requirement, RequirementSummary& out) {
    if (requirement.fulcio) {
        const FulcioTrust& fulcio = *requirement.fulcio;
        add_optional(out.keys, "fulcio CA ", fulcio.ca_path, fulcio.ca_data, "caData");
        add_field(out.certificate_identity, "oidcIssuer", fulcio.oidc_issuer);
        add_field(out.certificate_identity, "subjectEmail", fulcio.subject_email);
        add_extensions(out.certificate_identity, fulcio.identity);
    }
    if (requirement.pki) {
        const PkiTrust& pki = *requirement.pki;
        add_optional(out.keys, "pki CA roots ", pki.ca_roots_path, pki.ca_roots_data, "caRootsData");
        add_optional(out.keys, "pki CA intermediates ", pki.ca_intermediates_path, pki.ca_intermediates_data,
                     "caIntermediatesData");
        add_field(out.certificate_identity, "subjectEmail", pki.subject_email);
        add_field(out.certificate_identity, "subjectHostname", pki.subject_hostname);
        add_extensions(out.certificate_identity, pki.identity);
    }
    add_optional(out.keys, "rekor key ", requirement.rekor_public_key_path, requirement.rekor_public_key_data,
                 "rekorPublicKeyData");
    for (const auto& path : requirement.rekor_public_key_paths.value_or(std::vector<std::string>{}))
        out.keys.push_back("rekor key " + path);
    for (const auto& data : requirement.rekor_public_key_datas.value_or(std::vector<std::string>{}))
        out.keys.push_back("rekor key " + data_text("rekorPublicKeyDatas", data));
    add_optional(out.keys, "trusted root ", requirement.trusted_root_path, requirement.trusted_root_data,
                 "trustedRootData");
}

void describe_sigstore_signed(const SigstoreSignedRequirement& requirement, RequirementSummary& out) {
    if (requirement.key_path) out.keys.push_back(*requirement.key_path);
    if (requirement.key_paths) out.keys.insert(out.keys.end(), requirement.key_paths->begin(), requirement.key_paths->end());
    if (requirement.key_data) out.keys.push_back(data_text("keyData", *requirement.key_data));
    for (const auto& data : requirement.key_datas.value_or(std::vector<std::string>{}))
        out.keys.push_back(data_text("keyDatas", data));
    describe_keyless(requirement, out);
    out.identity = identity_text(requirement.signed_identity);
}

// registries.d for a policy scope, as podman's registriesDConfigurationForScope
// picks it: the scope itself, then its parent namespaces, then default-docker.
// Repository and reference scopes go through config::signature_storage_for (a
// repository is looked up with a stand-in digest, which no section can name);
// host and wildcard scopes ("quay.io", "*.example.com") name a section exactly.
config::SignatureStorage lookaside_for_scope(const config::RegistriesDirectory& registries, const std::string& scope) {
    if (scope.find('/') != std::string::npos) {
        try {
            DockerReference reference = parse_normalized_named(scope);
            if (reference.is_name_only()) reference.digest = "sha256:" + std::string(64, '0');
            return config::signature_storage_for(registries, reference);
        } catch (const InvalidReferenceError&) {
            // not a reference (c/image would have refused the scope); fall back to default-docker
        }
    }
    config::SignatureStorage storage;
    if (const auto found = registries.docker.find(scope); !scope.empty() && found != registries.docker.end() &&
                                                          found->second.lookaside) {
        storage.lookaside = found->second.lookaside;
        storage.matched_scope = "docker namespace " + scope;
    } else if (registries.default_docker && registries.default_docker->lookaside) {
        storage.lookaside = registries.default_docker->lookaside;
        storage.matched_scope = "default-docker";
    } else {
        storage.lookaside = config::builtin_default_lookaside(static_cast<unsigned>(::geteuid()), util::home_directory());
        storage.matched_scope = "built-in default";
    }
    return storage;
}

ScopeSummary summarize_scope(const std::string& transport, const std::string& scope, const Requirements& requirements,
                             const config::RegistriesDirectory& registries, bool is_default) {
    ScopeSummary summary;
    summary.transport = transport;
    summary.scope = scope;
    summary.is_default = is_default;
    if (is_default || transport == "docker") {
        const config::SignatureStorage storage = lookaside_for_scope(registries, scope);
        summary.lookaside = storage.lookaside.value_or("");
        summary.lookaside_source = storage.matched_scope;
    }
    for (const auto& requirement : requirements) summary.requirements.push_back(summarize_requirement(requirement));
    return summary;
}

}  // namespace

RequirementSummary summarize_requirement(const Requirement& requirement) {
    RequirementSummary summary;
    summary.type = requirement_type_name(requirement.value);
    summary.description = podman_description(summary.type);
    if (const auto* signed_by = std::get_if<SignedByRequirement>(&requirement.value))
        describe_signed_by(*signed_by, summary);
    else if (const auto* sigstore = std::get_if<SigstoreSignedRequirement>(&requirement.value))
        describe_sigstore_signed(*sigstore, summary);
    else if (const auto* base_layer = std::get_if<SignedBaseLayerRequirement>(&requirement.value))
        summary.identity = identity_text(base_layer->base_layer_identity);
    return summary;
}

PolicySummary summarize_policy(const Policy& policy, const config::RegistriesDirectory& registries) {
    PolicySummary summary;
    summary.source = policy.source;
    summary.scopes.push_back(summarize_scope("", "default", policy.default_requirements, registries, true));
    for (const auto& [transport, scopes] : policy.transports)
        for (const auto& [scope, requirements] : scopes)
            summary.scopes.push_back(summarize_scope(transport, scope, requirements, registries, false));
    return summary;
}

}  // namespace imgtrust::policy

namespace imgtrust {

PolicySummary summarize_policy(const Policy& policy, const std::optional<std::string>& registries_d) {
    return policy::summarize_policy(policy, config::load_registries_d(registries_d));
}

}  // namespace imgtrust
