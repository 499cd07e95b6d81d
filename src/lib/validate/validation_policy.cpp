#include "validate/validation_policy.hpp"

#include "imgtrust/errors.hpp"
#include "imgtrust/reference.hpp"
#include "policy/certificate_identity_policy.hpp"
#include "signature/certificate.hpp"
#include "signature/certificate_identity.hpp"
#include "signature/public_key.hpp"
#include "signature/rejection.hpp"
#include "sigstore/public_good_root.hpp"
#include "sigstore/trusted_root.hpp"
#include "util/bytes.hpp"

namespace imgtrust::validate {
namespace {

constexpr std::size_t max_trust_file_bytes = 4 * 1024 * 1024;

std::string read_trust_file(const std::string& path, const std::string& option, const char* what) {
    auto text = util::read_file_bounded(path, max_trust_file_bytes, what);
    if (!text) throw ConfigError(option + " " + path + ": the file does not exist");
    return *text;
}

void check_key_file(const std::string& path) {
    auto text = util::read_file_bounded(path, max_trust_file_bytes, "public key");
    if (!text) throw ConfigError("public key file " + path + " does not exist");
    signature::load_public_keys_pem(*text, path);  // throws ConfigError when there is no valid key
}

// "The Rekor public key ... must be an ECDSA key", as c/image loads rekorPublicKey….
void check_rekor_key_file(const std::string& path) {
    auto text = read_trust_file(path, "--rekor-public-key", "Rekor public key");
    for (const auto& key : signature::load_public_keys_pem(text, "--rekor-public-key " + path))
        if (!key.is_ecdsa()) throw ConfigError("--rekor-public-key " + path + ": the Rekor public key is not using ECDSA");
}

// Roots as x509.CertPool.AppendCertsFromPEM loads them: at least one must load.
void check_root_file(const std::string& path, const std::string& option) {
    auto text = read_trust_file(path, option, "CA certificates");
    if (signature::collect_pool_certificates_pem(text).empty())
        throw ConfigError(option + " " + path + ": no valid PEM CERTIFICATE block could be loaded");
}

// Intermediates are parsed strictly (every block a certificate), as c/image does.
void check_intermediates_file(const std::string& path) {
    auto text = read_trust_file(path, "--ca-intermediates", "CA intermediates");
    try {
        if (signature::parse_certificates_pem(text).empty())
            throw ConfigError("--ca-intermediates " + path + ": the file holds no certificate");
    } catch (const signature::SignatureRejected& e) {
        throw ConfigError("--ca-intermediates " + path + ": " + e.what());
    }
}

bool has_github_workflow_options(const TrustOptions& o) {
    return !o.github_workflow_trigger.empty() || !o.github_workflow_sha.empty() || !o.github_workflow_name.empty() ||
           !o.github_workflow_repository.empty() || !o.github_workflow_ref.empty();
}
bool has_fulcio_options(const TrustOptions& o) {
    return !o.fulcio_ca_path.empty() || !o.certificate_oidc_issuer.empty() || !o.certificate_oidc_issuer_regexp.empty() ||
           has_github_workflow_options(o);
}
// Keyless with neither --fulcio-ca, --rekor-public-key nor --trusted-root:
// the public-good instance, as cosign (and so hangar) verifies by default.
bool uses_public_good_root(const TrustOptions& o) {
    return has_fulcio_options(o) && o.fulcio_ca_path.empty() && o.rekor_key_paths.empty() && o.trusted_root_path.empty();
}

// "trustedRootPath ... exclusive with fulcio.caPath/caData and rekorPublicKey*", not supported for pki.
void check_trusted_root_options(const TrustOptions& o) {
    if (o.trusted_root_path.empty()) return;
    if (!o.fulcio_ca_path.empty() || !o.rekor_key_paths.empty())
        throw ConfigError("--trusted-root cannot be used with --fulcio-ca or --rekor-public-key: the trusted root names the "
                          "Fulcio CAs and the Rekor logs");
    if (!o.ca_roots_path.empty() || !o.ca_intermediates_path.empty() || !o.certificate_hostname.empty())
        throw ConfigError("--trusted-root cannot be used with PKI options (--ca-roots, --ca-intermediates, --certificate-hostname)");
    if (o.key_paths.empty() && !has_fulcio_options(o))
        throw ConfigError("--trusted-root needs -p/--sigstore-pubkey keys or keyless options (--certificate-oidc-issuer, "
                          "--certificate-identity)");
    auto text = read_trust_file(o.trusted_root_path, "--trusted-root", "trusted root");
    sigstore::parse_trusted_root(text, "--trusted-root " + o.trusted_root_path);  // ConfigError when it is not a valid root
}
bool has_identity(const TrustOptions& o) { return !o.certificate_identity.empty() || !o.certificate_identity_regexp.empty(); }
bool has_pki_options(const TrustOptions& o) {
    return !o.ca_roots_path.empty() || !o.ca_intermediates_path.empty() || !o.certificate_hostname.empty();
}
bool has_in_memory_options(const TrustOptions& o) {
    return !o.key_paths.empty() || has_fulcio_options(o) || has_pki_options(o) || has_identity(o) || !o.rekor_key_paths.empty();
}

void check_sources(const TrustOptions& o) {
    const int sources = (has_in_memory_options(o) ? 1 : 0) + (o.policy_path.empty() ? 0 : 1) + (o.insecure_policy ? 1 : 0);
    if (sources == 0)
        throw ConfigError("no trust given: use -p/--sigstore-pubkey KEY (or -k/--key), keyless (--fulcio-ca, "
                          "--rekor-public-key, --certificate-oidc-issuer, --certificate-identity), PKI (--ca-roots with "
                          "--certificate-identity and/or --certificate-hostname), or --policy FILE");
    if (sources > 1)
        throw ConfigError("use only one of: keys (-p/--sigstore-pubkey/-k/--key), keyless or PKI certificate options, "
                          "--policy, --insecure-policy");
    if ((!o.exact_repository.empty()) + o.match_repository + o.match_digest_only > 1)
        throw ConfigError("use only one of --exact-repository, --match-repository and --match-digest-only");
    if (!has_in_memory_options(o) && (!o.exact_repository.empty() || o.match_repository || o.match_digest_only ||
                                      !o.trusted_root_path.empty()))
        throw ConfigError("--exact-repository, --match-repository, --match-digest-only and --trusted-root apply to the "
                          "in-memory policy built from keys, keyless or PKI options, not to --policy or --insecure-policy");
}

void check_keyless_combination(const TrustOptions& o) {
    const bool fulcio = has_fulcio_options(o), pki = has_pki_options(o);
    if (!o.key_paths.empty() && (fulcio || pki || has_identity(o)))
        throw ConfigError("public keys (-p/--sigstore-pubkey/-k/--key) and keyless or PKI certificate options "
                          "(--fulcio-ca, --certificate-oidc-issuer, --certificate-identity, --ca-roots, "
                          "--ca-intermediates, --certificate-hostname) cannot be used together");
    if (fulcio && pki)
        throw ConfigError("keyless (--fulcio-ca, --certificate-oidc-issuer) and PKI (--ca-roots, --ca-intermediates, "
                          "--certificate-hostname) options cannot be used together");
    if (fulcio) {
        const bool own_ca_and_rekor = o.trusted_root_path.empty() && !uses_public_good_root(o);
        if (own_ca_and_rekor && o.fulcio_ca_path.empty())
            throw ConfigError("keyless verification needs --fulcio-ca FILE (the Fulcio CA roots), or --trusted-root FILE");
        if (own_ca_and_rekor && o.rekor_key_paths.empty())
            throw ConfigError("keyless verification needs --rekor-public-key FILE: containers-policy.json(5) requires a "
                              "Rekor public key with fulcio");
        if (o.certificate_oidc_issuer.empty() && o.certificate_oidc_issuer_regexp.empty())
            throw ConfigError("keyless verification needs --certificate-oidc-issuer URL or --certificate-oidc-issuer-regexp RE2");
        if (!has_identity(o))
            throw ConfigError("keyless verification needs --certificate-identity VALUE or --certificate-identity-regexp RE2");
    } else if (pki) {
        if (o.ca_roots_path.empty()) throw ConfigError("PKI verification needs --ca-roots FILE");
        if (!has_identity(o) && o.certificate_hostname.empty())
            throw ConfigError("PKI verification needs --certificate-identity VALUE (or --certificate-identity-regexp RE2) "
                              "and/or --certificate-hostname HOST");
        if (!o.rekor_key_paths.empty())
            throw ConfigError("--rekor-public-key cannot be used with PKI (--ca-roots): containers-policy.json(5) does not "
                              "support Rekor keys with pki");
    } else if (has_identity(o)) {
        throw ConfigError("--certificate-identity needs keyless (--fulcio-ca, --rekor-public-key, "
                          "--certificate-oidc-issuer) or PKI (--ca-roots) options");
    } else if (!o.rekor_key_paths.empty() && o.key_paths.empty()) {
        throw ConfigError("--rekor-public-key needs -p/--sigstore-pubkey keys or keyless (--fulcio-ca) options");
    }
}

// cosign v2.6 accepts both forms of a pair and then disagrees with itself: its
// legacy verifier ignores the exact value when a regexp is given, its bundle
// verifier (sigstore-go) requires both. imgtrust refuses the ambiguity.
void check_identity_flags(const TrustOptions& o) {
    if (!o.certificate_identity.empty() && !o.certificate_identity_regexp.empty())
        throw ConfigError("--certificate-identity and --certificate-identity-regexp cannot be used together");
    if (!o.certificate_oidc_issuer.empty() && !o.certificate_oidc_issuer_regexp.empty())
        throw ConfigError("--certificate-oidc-issuer and --certificate-oidc-issuer-regexp cannot be used together");
    for (const auto& [flag, pattern] : {std::pair<const char*, const std::string&>{"--certificate-identity-regexp", o.certificate_identity_regexp},
                                        {"--certificate-oidc-issuer-regexp", o.certificate_oidc_issuer_regexp}}) {
        std::string error = pattern.empty() ? "" : signature::go_regexp_compile_error(pattern);
        if (!error.empty()) throw ConfigError(std::string(flag) + " " + pattern + ": invalid RE2 regular expression: " + error);
    }
}

CertificateIdentityExtensions identity_extensions(const TrustOptions& o) {
    CertificateIdentityExtensions identity;
    identity.subject = o.certificate_identity;
    identity.subject_regexp = o.certificate_identity_regexp;
    identity.oidc_issuer_regexp = o.certificate_oidc_issuer_regexp;
    identity.github_workflow_trigger = o.github_workflow_trigger;
    identity.github_workflow_sha = o.github_workflow_sha;
    identity.github_workflow_name = o.github_workflow_name;
    identity.github_workflow_repository = o.github_workflow_repository;
    identity.github_workflow_ref = o.github_workflow_ref;
    return identity;
}

SignedIdentity identity_for(const TrustOptions& options) {
    SignedIdentity identity;  // matchRepoDigestOrExact
    if (!options.exact_repository.empty()) {
        DockerReference repository;
        try {
            repository = parse_normalized_named(options.exact_repository);
        } catch (const InvalidReferenceError& e) {
            throw ConfigError("--exact-repository " + options.exact_repository + ": " + e.what());
        }
        if (!repository.is_name_only())
            throw ConfigError("--exact-repository " + options.exact_repository + ": must be a repository, without tag or digest");
        identity.kind = SignedIdentity::Kind::exact_repository;
        identity.docker_repository = options.exact_repository;
    } else if (options.match_repository) {
        identity.kind = SignedIdentity::Kind::match_repository;
    } else if (options.match_digest_only) {
        identity.kind = SignedIdentity::Kind::match_digest_only;
    }
    return identity;
}

std::string joined(const std::vector<std::string>& values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + values[i];
    return text;
}

// `OIDC issuer "…", subject (any SAN) "…", GitHub workflow ref "…"`: the rule
// the policy's fulcio object builds (has_identity holds wherever this is called).
std::string describe_identity(const TrustOptions& o) {
    FulcioTrust fulcio{std::nullopt, std::nullopt, o.certificate_oidc_issuer, "", identity_extensions(o)};
    return policy::fulcio_identity_requirement(fulcio)->describe();
}

std::string describe_trust(const TrustOptions& o) {
    std::string text;
    switch (trust_kind(o)) {
        case TrustKind::keys: text = joined(o.key_paths); break;
        case TrustKind::fulcio:
            text = "fulcio (" +
                   (!o.trusted_root_path.empty() ? "trusted root " + o.trusted_root_path
                    : uses_public_good_root(o)   ? std::string("the built-in public-good trusted root")
                                                 : "CA " + o.fulcio_ca_path) +
                   ", " + describe_identity(o) + ")";
            break;
        case TrustKind::pki:
            text = "pki (roots " + o.ca_roots_path +
                   (o.ca_intermediates_path.empty() ? "" : ", intermediates " + o.ca_intermediates_path) +
                   (has_identity(o) ? ", " + describe_identity(o) : "") +
                   (o.certificate_hostname.empty() ? "" : ", hostname " + o.certificate_hostname) + ")";
            break;
        case TrustKind::none: break;
    }
    if (!o.rekor_key_paths.empty()) text += ", Rekor " + joined(o.rekor_key_paths);
    if (!o.trusted_root_path.empty() && trust_kind(o) == TrustKind::keys) text += ", trusted root " + o.trusted_root_path;
    return text;
}

std::string describe(const TrustOptions& options, const SignedIdentity& identity) {
    std::string text = "in-memory policy: sigstoreSigned with " + describe_trust(options);
    text += std::string(", signedIdentity ") + identity_kind_name(identity.kind);
    if (identity.kind == SignedIdentity::Kind::exact_repository) text += " " + identity.docker_repository;
    return text;
}

void set_rekor_keys(const TrustOptions& o, SigstoreSignedRequirement& sigstore) {
    for (const auto& path : o.rekor_key_paths) check_rekor_key_file(path);
    if (o.rekor_key_paths.size() == 1) sigstore.rekor_public_key_path = o.rekor_key_paths.front();
    else if (!o.rekor_key_paths.empty()) sigstore.rekor_public_key_paths = o.rekor_key_paths;
}

SigstoreSignedRequirement in_memory_requirement(const TrustOptions& o) {
    SigstoreSignedRequirement sigstore;
    switch (trust_kind(o)) {
        case TrustKind::keys:
            for (const auto& path : o.key_paths) check_key_file(path);
            if (o.key_paths.size() == 1) sigstore.key_path = o.key_paths.front();
            else sigstore.key_paths = o.key_paths;
            break;
        case TrustKind::fulcio:
            if (!o.fulcio_ca_path.empty()) check_root_file(o.fulcio_ca_path, "--fulcio-ca");
            sigstore.fulcio = FulcioTrust{o.fulcio_ca_path.empty() ? std::nullopt : std::optional<std::string>(o.fulcio_ca_path),
                                          std::nullopt, o.certificate_oidc_issuer, "", identity_extensions(o)};
            if (uses_public_good_root(o))
                sigstore.trusted_root_data = std::string(sigstore::embedded_public_good_trusted_root());
            break;
        case TrustKind::pki: {
            check_root_file(o.ca_roots_path, "--ca-roots");
            PkiTrust pki;
            pki.ca_roots_path = o.ca_roots_path;
            if (!o.ca_intermediates_path.empty()) {
                check_intermediates_file(o.ca_intermediates_path);
                pki.ca_intermediates_path = o.ca_intermediates_path;
            }
            pki.identity.subject = o.certificate_identity;  // any SAN, as cosign (no longer the email SAN only)
            pki.identity.subject_regexp = o.certificate_identity_regexp;
            pki.subject_hostname = o.certificate_hostname;
            sigstore.pki = std::move(pki);
            break;
        }
        case TrustKind::none: break;
    }
    set_rekor_keys(o, sigstore);
    if (!o.trusted_root_path.empty()) sigstore.trusted_root_path = o.trusted_root_path;
    sigstore.signed_identity = identity_for(o);
    return sigstore;
}

}  // namespace

TrustKind trust_kind(const TrustOptions& options) {
    if (!options.key_paths.empty()) return TrustKind::keys;
    if (has_fulcio_options(options)) return TrustKind::fulcio;
    if (has_pki_options(options)) return TrustKind::pki;
    return TrustKind::none;
}

Policy build_validation_policy(const TrustOptions& options) {
    check_sources(options);
    check_keyless_combination(options);
    check_identity_flags(options);
    check_trusted_root_options(options);
    if (options.insecure_policy) return insecure_accept_anything_policy();
    if (!options.policy_path.empty()) return load_policy_file(options.policy_path);
    SigstoreSignedRequirement sigstore = in_memory_requirement(options);
    Policy policy;
    policy.source = describe(options, sigstore.signed_identity);
    policy.default_requirements.push_back(Requirement{sigstore, "default[0]"});
    policy.transports["docker"][""].push_back(Requirement{sigstore, "transports.docker[\"\"][0]"});
    return policy;
}

std::vector<std::string> trust_option_warnings(const TrustOptions& options) {
    std::vector<std::string> warnings;
    for (const auto& [flag, pattern] : {std::pair<const char*, const std::string&>{"--certificate-identity-regexp", options.certificate_identity_regexp},
                                        {"--certificate-oidc-issuer-regexp", options.certificate_oidc_issuer_regexp}}) {
        if (pattern.empty() || signature::go_regexp_is_anchored(pattern)) continue;
        warnings.push_back(std::string(flag) + " " + pattern +
                           " is not anchored: RE2 matching is unanchored (as cosign's Go MatchString), so any value that merely "
                           "contains a match is accepted (github.com/org also matches https://evil.example/?github.com/org); "
                           "write ^...$");
    }
    return warnings;
}

}  // namespace imgtrust::validate
