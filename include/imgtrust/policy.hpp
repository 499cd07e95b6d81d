// containers-policy.json(5) as data, parsed strictly.
#pragma once

#include "imgtrust/export.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace imgtrust {

// "signedIdentity": how the identity claimed by a signature must relate to the image.
struct SignedIdentity {
    // match_digest_only is an imgtrust extension (sigstoreSigned only): any
    // signature whose crypto and digest binding hold, whatever it claims; the
    // one identity under which a Sigstore bundle, which names no image, can be accepted.
    enum class Kind {
        match_exact,
        match_repo_digest_or_exact,
        match_repository,
        exact_reference,
        exact_repository,
        remap_identity,
        match_digest_only
    };
    Kind kind = Kind::match_repo_digest_or_exact;  // "If the signedIdentity field is missing, it is treated as matchRepoDigestOrExact."
    std::string docker_reference;   // exactReference.dockerReference (as written in the policy)
    std::string docker_repository;  // exactRepository.dockerRepository
    std::string prefix;             // remapIdentity.prefix
    std::string signed_prefix;      // remapIdentity.signedPrefix
};

IMGTRUST_API const char* identity_kind_name(SignedIdentity::Kind kind);

struct InsecureAcceptAnythingRequirement {};
struct RejectRequirement {};

// Key material is held as written: *_path fields are file names, *_data fields
// hold the already base64-decoded bytes.
struct SignedByRequirement {
    std::string key_type;  // "GPGKeys" (the only implemented one), "signedByGPGKeys", "X509Certificates", "signedByX509CAs"
    std::optional<std::string> key_path;
    std::optional<std::vector<std::string>> key_paths;
    std::optional<std::string> key_data;
    SignedIdentity signed_identity;
};

// imgtrust extensions of "fulcio" (all) and "pki" (the subject fields): keyless
// CI identities. Not containers/image fields: skopeo, podman and every c/image
// consumer refuse a policy that uses one (policy lint says so). "" = not set.
// Regexps are RE2 (Go syntax), matched unanchored as Go's MatchString.
struct CertificateIdentityExtensions {
    std::string subject;                     // "subject": equal to ANY SAN (email, URI, DNS, IP), as cosign --certificate-identity
    std::string subject_regexp;              // "subjectRegExp": any SAN matches
    std::string subject_uri;                 // "subjectURI": a URI SAN (c/image PR #2235)
    std::string oidc_issuer_regexp;          // "oidcIssuerRegExp" (fulcio), instead of oidcIssuer
    std::string build_signer_uri;            // "buildSignerURI": extension 1.3.6.1.4.1.57264.1.9 (container-libs PR #625)
    std::string build_signer_uri_regexp;     // "buildSignerURIRegExp"
    std::string github_workflow_trigger;     // "githubWorkflowTrigger": extension .1.2, as cosign reads it
    std::string github_workflow_sha;         // "githubWorkflowSha": .1.3
    std::string github_workflow_name;        // "githubWorkflowName": .1.4
    std::string github_workflow_repository;  // "githubWorkflowRepository": .1.5
    std::string github_workflow_ref;         // "githubWorkflowRef": .1.6
    bool any() const {
        return !subject.empty() || !subject_regexp.empty() || !subject_uri.empty() || !oidc_issuer_regexp.empty() ||
               !build_signer_uri.empty() || !build_signer_uri_regexp.empty() || !github_workflow_trigger.empty() ||
               !github_workflow_sha.empty() || !github_workflow_name.empty() || !github_workflow_repository.empty() ||
               !github_workflow_ref.empty();
    }
};

struct FulcioTrust {
    std::optional<std::string> ca_path;
    std::optional<std::string> ca_data;
    std::string oidc_issuer;
    std::string subject_email;
    CertificateIdentityExtensions identity;  // imgtrust extensions
};

struct PkiTrust {
    std::optional<std::string> ca_roots_path;
    std::optional<std::string> ca_roots_data;
    std::optional<std::string> ca_intermediates_path;
    std::optional<std::string> ca_intermediates_data;
    std::string subject_email;
    std::string subject_hostname;
    CertificateIdentityExtensions identity;  // imgtrust extensions: subject, subjectRegExp, subjectURI only
};

struct SigstoreSignedRequirement {
    std::optional<std::string> key_path;
    std::optional<std::vector<std::string>> key_paths;
    std::optional<std::string> key_data;
    std::optional<std::vector<std::string>> key_datas;
    std::optional<FulcioTrust> fulcio;
    std::optional<std::string> rekor_public_key_path;
    std::optional<std::vector<std::string>> rekor_public_key_paths;
    std::optional<std::string> rekor_public_key_data;
    std::optional<std::vector<std::string>> rekor_public_key_datas;
    std::optional<PkiTrust> pki;
    // imgtrust extension: a Sigstore TrustedRoot (trusted_root.json) naming the
    // Fulcio CAs, Rekor logs, CT logs and timestamp authorities; exclusive with
    // fulcio.caPath/caData and rekorPublicKey*.
    std::optional<std::string> trusted_root_path;
    std::optional<std::string> trusted_root_data;
    SignedIdentity signed_identity;

    bool uses_keyless_or_rekor() const {
        return fulcio || pki || rekor_public_key_path || rekor_public_key_paths || rekor_public_key_data || rekor_public_key_datas ||
               trusted_root_path || trusted_root_data;
    }
};

struct SignedBaseLayerRequirement {
    SignedIdentity base_layer_identity;
};

using RequirementValue = std::variant<InsecureAcceptAnythingRequirement, RejectRequirement, SignedByRequirement,
                                      SigstoreSignedRequirement, SignedBaseLayerRequirement>;

struct Requirement {
    RequirementValue value;
    std::string location;  // JSON location in the policy file, for messages
};

IMGTRUST_API const char* requirement_type_name(const RequirementValue& value);  // the policy "type" string

using Requirements = std::vector<Requirement>;
using Scopes = std::map<std::string, Requirements>;  // scope -> requirements

struct Policy {
    Requirements default_requirements;
    std::map<std::string, Scopes> transports;  // transport name -> scopes
    std::string source;                        // file name, or a description of an in-memory policy
};

// One problem found while parsing or linting a policy.
struct PolicyDiagnostic {
    enum class Severity { error, warning };
    Severity severity = Severity::error;
    std::string location;
    std::string message;
};

// Parses policy JSON strictly: unknown or duplicate keys, wrong types, trailing
// data, a missing "default", empty requirement lists, invalid scopes and
// invalid key-source combinations all throw PolicyFormatError naming the location.
IMGTRUST_API Policy parse_policy(std::string_view json, const std::string& source_name);

// Like parse_policy, but records every error instead of stopping at the first.
// Returns the diagnostics (errors only; lint adds warnings on top).
IMGTRUST_API std::vector<PolicyDiagnostic> collect_policy_errors(std::string_view json);

// `imgtrust policy lint`: every parse error (as collect_policy_errors), then,
// if the policy is valid, warnings about policies that are valid but probably
// not what was meant (insecure or shadowed scopes, unknown transports, missing
// key files, the cosign identity trap, requirements that reject everything).
IMGTRUST_API std::vector<PolicyDiagnostic> lint_policy(std::string_view json, const std::string& source_name);

// Reads (at most 4 MiB) and parses a policy file. A missing or unreadable file is a ConfigError.
IMGTRUST_API Policy load_policy_file(const std::string& path);

// The policy file c/image v5.40 would use, and why (for --debug): the explicit
// path if given, else $CONTAINERS_POLICY_JSON (which must exist), else the first
// existing of $XDG_CONFIG_HOME/containers/policy.json (or
// ~/.config/containers/policy.json), /etc/containers/policy.json and
// /usr/share/containers/policy.json ($IMGTRUST_CONFIG_ROOT prefixes the last two).
// Throws ConfigError listing every path searched when none exists.
struct PolicyFileLocation {
    std::string path;
    std::string reason;  // e.g. "given by --policy", "named by CONTAINERS_POLICY_JSON", "the admin policy file; not found: ..."
};
IMGTRUST_API PolicyFileLocation locate_policy_file(const std::optional<std::string>& explicit_path);

// locate_policy_file(explicit_path).path.
IMGTRUST_API std::string resolve_policy_path(const std::optional<std::string>& explicit_path);

// The in-memory policy that --insecure-policy stands for.
IMGTRUST_API Policy insecure_accept_anything_policy();

}  // namespace imgtrust
