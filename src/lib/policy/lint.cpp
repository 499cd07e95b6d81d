#include "policy/lint.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "image/local_files.hpp"
#include "policy/certificate_identity_policy.hpp"
#include "policy/parse_policy.hpp"
#include "reference/policy_scopes.hpp"

namespace imgtrust::policy {
namespace {

// Collects warnings; also knows which sigstoreSigned requirements had no "signedIdentity".
class Warnings {
public:
    Warnings(std::vector<PolicyDiagnostic>& out, const PolicyParseNotes& notes)
        : out_(out), defaulted_identities_(notes.sigstore_default_identity_locations.begin(),
                                           notes.sigstore_default_identity_locations.end()) {}
    void add(const std::string& location, const std::string& message) {
        out_.push_back(PolicyDiagnostic{PolicyDiagnostic::Severity::warning, location, message});
    }
    bool identity_was_defaulted(const std::string& requirement_location) const {
        return defaulted_identities_.count(requirement_location) != 0;
    }

private:
    std::vector<PolicyDiagnostic>& out_;
    std::set<std::string> defaulted_identities_;
};

template <typename Type>
bool holds(const Requirement& requirement) {
    return std::holds_alternative<Type>(requirement.value);
}

bool accepts_anything(const Requirements& requirements) {
    return std::all_of(requirements.begin(), requirements.end(), holds<InsecureAcceptAnythingRequirement>);
}

// A list that verifies signatures (and does not reject outright, as allowlists do).
bool requires_signatures(const Requirements& requirements) {
    bool verifies = std::any_of(requirements.begin(), requirements.end(), [](const Requirement& r) {
        return holds<SignedByRequirement>(r) || holds<SigstoreSignedRequirement>(r);
    });
    return verifies && std::none_of(requirements.begin(), requirements.end(), holds<RejectRequirement>);
}

bool uses_docker_naming(std::string_view transport) { return transport == "docker" || transport == "docker-daemon"; }
bool uses_path_naming(std::string_view transport) {
    return transport == "dir" || transport == "oci" || transport == "oci-archive" || transport == "sif";
}

// dir:/oci: paths: each parent directory, never "/" (as image/ builds the candidates).
std::vector<std::string> path_scope_fallbacks(const std::string& scope) {
    std::vector<std::string> fallbacks = image::path_and_parent_scopes(scope);
    if (!fallbacks.empty()) fallbacks.erase(fallbacks.begin());
    return fallbacks;
}

// The scope of the same transport that would apply if `scope` were absent, if any.
const std::string* enclosing_scope(const std::string& transport, const std::string& scope, const Scopes& scopes) {
    std::vector<std::string> fallbacks;
    if (uses_docker_naming(transport)) fallbacks = reference::docker_scope_fallbacks(scope);
    if (uses_path_naming(transport)) fallbacks = path_scope_fallbacks(scope);
    if (!uses_docker_naming(transport) && !uses_path_naming(transport)) return nullptr;
    fallbacks.push_back("");
    for (const std::string& candidate : fallbacks) {
        auto found = scopes.find(candidate);
        if (found != scopes.end()) return &found->first;
    }
    return nullptr;
}

// "busybox" or "library/busybox" never matches: lookups use the expanded docker.io/library/busybox.
// Returns whether it warned.
bool check_docker_scope_form(const std::string& scope, const std::string& location, Warnings& warnings) {
    if (scope.empty() || scope.rfind("*.", 0) == 0) return false;
    std::string first = scope.substr(0, scope.find('/'));
    if (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost") return false;
    std::string expanded = "docker.io/" + std::string(scope.find('/') == std::string::npos ? "library/" : "") + scope;
    warnings.add(location, "scope " + quote_json_string(scope) + " never matches: docker scopes must use the fully expanded form, e.g. " +
                               quote_json_string(expanded));
    return true;
}

// F10: c/image accepts any docker scope, but one that no valid reference can
// produce (unparseable, over-long, not normalized) is never consulted. The
// location already names the scope, so the message does not repeat it.
void check_docker_scope_reachable(const std::string& scope, const std::string& location, Warnings& warnings) {
    if (const std::optional<std::string> reason = reference::docker_scope_never_matches(scope))
        warnings.add(location, "this scope never matches any image: " + *reason);
}

void check_key_file(const std::string& path, const std::string& location, Warnings& warnings) {
    std::error_code error;
    if (path.empty() || std::filesystem::exists(path, error)) return;
    std::string note = path.front() == '/' ? "" : " (a relative path is resolved against the current directory)";
    warnings.add(location, "file " + quote_json_string(path) + " does not exist" + note +
                               ": until it does, imgtrust stops with a configuration error (exit 2) and skopeo rejects every image this requirement covers");
}

void check_key_files(const std::optional<std::string>& path, const std::optional<std::vector<std::string>>& paths,
                     const std::string& location, std::string_view path_key, std::string_view paths_key, Warnings& warnings) {
    if (path) check_key_file(*path, member_location(location, path_key), warnings);
    if (!paths) return;
    for (std::size_t i = 0; i < paths->size(); ++i)
        check_key_file((*paths)[i], index_location(member_location(location, paths_key), i), warnings);
}

void check_signed_by(const SignedByRequirement& requirement, const std::string& location, Warnings& warnings) {
    if (requirement.key_type != "GPGKeys")
        warnings.add(member_location(location, "keyType"),
                     "keyType " + quote_json_string(requirement.key_type) +
                         " is accepted by containers/image, which has no verifier for it: every signature is rejected; use \"GPGKeys\"");
    if (requirement.key_paths && requirement.key_paths->empty())
        warnings.add(member_location(location, "keyPaths"), "an empty keyPaths list trusts no key: this requirement rejects every image");
    check_key_files(requirement.key_path, requirement.key_paths, location, "keyPath", "keyPaths", warnings);
}

// imgtrust extensions are refused by skopeo, podman and every c/image consumer
// (they fail closed on unknown fields), so a policy using one is not portable.
void warn_not_portable(const std::string& location, const std::string& extension, Warnings& warnings) {
    warnings.add(location, extension + " is an imgtrust extension: skopeo, podman and other containers/image users refuse "
                                       "this policy file (it is not portable)");
}

void check_sigstore_extensions(const SigstoreSignedRequirement& requirement, const std::string& location, Warnings& warnings) {
    if (requirement.signed_identity.kind == SignedIdentity::Kind::match_digest_only)
        warn_not_portable(member_location(location, "signedIdentity"), "signedIdentity matchDigestOnly", warnings);
    if (requirement.trusted_root_path || requirement.trusted_root_data)
        warn_not_portable(location, requirement.trusted_root_path ? "trustedRootPath" : "trustedRootData", warnings);
    if (requirement.trusted_root_path) check_key_file(*requirement.trusted_root_path, member_location(location, "trustedRootPath"), warnings);
}

// The keyless identity extensions (subject, subjectURI, *RegExp, buildSignerURI,
// githubWorkflow*): not portable, and an unanchored RE2 pattern accepts any
// value that merely contains a match.
void check_identity_extensions(const CertificateIdentityExtensions& identity, const std::string& trust_location, Warnings& warnings) {
    for (const auto& key : identity_extension_keys(identity))
        warn_not_portable(member_location(trust_location, key), key, warnings);
    for (const auto& [key, pattern] : {std::pair<const char*, const std::string&>{"subjectRegExp", identity.subject_regexp},
                                       {"oidcIssuerRegExp", identity.oidc_issuer_regexp},
                                       {"buildSignerURIRegExp", identity.build_signer_uri_regexp}}) {
        if (pattern.empty() || signature::go_regexp_is_anchored(pattern)) continue;
        warnings.add(member_location(trust_location, key),
                     quote_json_string(pattern) + " is not anchored: RE2 matching is unanchored (as Go's MatchString), so any value "
                     "that merely contains a match is accepted (\"github.com/org\" also matches "
                     "\"https://evil.example/?github.com/org\"); write ^...$");
    }
}

// DESIGN.md §3: "signatures made by cosign sign carry only the repository"; the default identity never accepts them.
void check_sigstore_signed(const SigstoreSignedRequirement& requirement, const std::string& location, bool path_transport,
                           Warnings& warnings) {
    if (!path_transport && warnings.identity_was_defaulted(location))
        warnings.add(location,
                     "sigstoreSigned without \"signedIdentity\" uses matchRepoDigestOrExact, but signatures made by "
                     "\"cosign sign\" name only the repository, which matchRepoDigestOrExact never accepts; for cosign-signed "
                     "images use {\"type\": \"matchRepository\"} or {\"type\": \"exactRepository\", \"dockerRepository\": ...}");
    check_sigstore_extensions(requirement, location, warnings);
    if (requirement.fulcio) check_identity_extensions(requirement.fulcio->identity, member_location(location, "fulcio"), warnings);
    if (requirement.pki) check_identity_extensions(requirement.pki->identity, member_location(location, "pki"), warnings);
    check_key_files(requirement.key_path, requirement.key_paths, location, "keyPath", "keyPaths", warnings);
    check_key_files(requirement.rekor_public_key_path, requirement.rekor_public_key_paths, location, "rekorPublicKeyPath",
                    "rekorPublicKeyPaths", warnings);
    if (requirement.fulcio && requirement.fulcio->ca_path)
        check_key_file(*requirement.fulcio->ca_path, member_location(member_location(location, "fulcio"), "caPath"), warnings);
    if (requirement.pki) {
        std::string pki_location = member_location(location, "pki");
        if (requirement.pki->ca_roots_path)
            check_key_file(*requirement.pki->ca_roots_path, member_location(pki_location, "caRootsPath"), warnings);
        if (requirement.pki->ca_intermediates_path)
            check_key_file(*requirement.pki->ca_intermediates_path, member_location(pki_location, "caIntermediatesPath"), warnings);
    }
}

// containers-policy.json(5): "the dir: and oci: transports can be only used with
// exactReference or exactRepository"; other identities never match such images
// (matchDigestOnly, an imgtrust extension, reads no reference at all).
bool matches_without_docker_reference(const SignedIdentity& identity) {
    return identity.kind == SignedIdentity::Kind::exact_reference || identity.kind == SignedIdentity::Kind::exact_repository ||
           identity.kind == SignedIdentity::Kind::match_digest_only;
}

void check_identity_for_path_transport(const Requirement& requirement, const std::string& transport, Warnings& warnings) {
    const SignedIdentity* identity = nullptr;
    if (const auto* signed_by = std::get_if<SignedByRequirement>(&requirement.value)) identity = &signed_by->signed_identity;
    if (const auto* sigstore = std::get_if<SigstoreSignedRequirement>(&requirement.value)) identity = &sigstore->signed_identity;
    if (!identity || matches_without_docker_reference(*identity)) return;
    warnings.add(requirement.location, std::string("signedIdentity ") + identity_kind_name(identity->kind) + " never matches " +
                                           transport + ": images, which have no docker reference: every image is rejected; "
                                           "use exactReference or exactRepository");
}

// `transport` is empty for the global default.
void check_requirements(const Requirements& requirements, const std::string& transport, Warnings& warnings) {
    for (const Requirement& requirement : requirements) {
        if (const auto* signed_by = std::get_if<SignedByRequirement>(&requirement.value))
            check_signed_by(*signed_by, requirement.location, warnings);
        if (const auto* sigstore = std::get_if<SigstoreSignedRequirement>(&requirement.value))
            check_sigstore_signed(*sigstore, requirement.location, uses_path_naming(transport), warnings);
        if (holds<SignedBaseLayerRequirement>(requirement))
            warnings.add(requirement.location, "signedBaseLayer has no verifier in containers/image: it rejects every image");
        if (uses_path_naming(transport)) check_identity_for_path_transport(requirement, transport, warnings);
    }
}

void check_scope(const std::string& transport, const Scopes& scopes, const std::string& scope, const std::string& location,
                 Warnings& warnings) {
    const Requirements& requirements = scopes.at(scope);
    if (uses_docker_naming(transport) && !check_docker_scope_form(scope, location, warnings) && transport == "docker")
        check_docker_scope_reachable(scope, location, warnings);
    if (accepts_anything(requirements)) {
        const std::string* enclosing = scope.empty() ? nullptr : enclosing_scope(transport, scope, scopes);
        if (enclosing && requires_signatures(scopes.at(*enclosing))) {
            warnings.add(location, "insecureAcceptAnything here overrides the signature requirements of the less specific scope " +
                                       quote_json_string(*enclosing) + ", which would otherwise apply to these images");
        } else {
            warnings.add(location, "insecureAcceptAnything: images in this scope are accepted without any signature verification");
        }
    }
    check_requirements(requirements, transport, warnings);
}

void check_transports(const Policy& policy, Warnings& warnings) {
    for (const auto& [transport, scopes] : policy.transports) {
        std::string location = member_location("transports", transport);
        if (!is_known_transport(transport)) {
            warnings.add(location, "unknown transport " + quote_json_string(transport) +
                                       ": containers/image ignores it, so none of its scopes ever apply (a typo?)");
            continue;
        }
        for (const auto& entry : scopes) check_scope(transport, scopes, entry.first, quoted_key_location(location, entry.first), warnings);
    }
}

}  // namespace

}  // namespace imgtrust::policy

namespace imgtrust {

std::vector<PolicyDiagnostic> lint_policy(std::string_view json, const std::string& source_name) {
    using namespace policy;
    std::vector<PolicyDiagnostic> diagnostics;
    ErrorSink collect_all(&diagnostics);
    PolicyParseNotes notes;
    auto policy = parse_policy_document(json, source_name, collect_all, &notes);
    if (!policy) return diagnostics;

    Warnings warnings(diagnostics, notes);
    if (accepts_anything(policy->default_requirements))
        warnings.add("default", "insecureAcceptAnything: every image that no transport scope matches is accepted without "
                                "any signature verification");
    check_requirements(policy->default_requirements, "", warnings);
    check_transports(*policy, warnings);
    return diagnostics;
}

}  // namespace imgtrust
