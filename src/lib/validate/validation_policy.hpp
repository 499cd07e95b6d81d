// The policy `imgtrust validate` checks against: hangar's in-memory policy
// built from public keys, a Fulcio (keyless) or PKI trust given on the
// command line, or a containers-policy.json file.
#pragma once

#include <string>
#include <vector>

#include "imgtrust/policy.hpp"

namespace imgtrust::validate {

struct TrustOptions {
    std::vector<std::string> key_paths;  // -p/--sigstore-pubkey, -k/--key (repeatable)
    std::string exact_repository;        // --exact-repository REPO
    bool match_repository = false;       // --match-repository
    std::string policy_path;             // --policy F
    bool insecure_policy = false;        // --insecure-policy
    // Keyless (cosign's names): fulcio needs all four of CA, Rekor key, issuer, identity.
    std::string fulcio_ca_path;                    // --fulcio-ca FILE
    std::vector<std::string> rekor_key_paths;      // --rekor-public-key FILE (repeatable: any of them)
    std::string certificate_oidc_issuer;           // --certificate-oidc-issuer URL
    std::string certificate_oidc_issuer_regexp;    // --certificate-oidc-issuer-regexp RE2
    // cosign's --certificate-identity: equal to ANY SAN (email, URI, DNS, IP),
    // as hangar passes it to cosign (keyless and PKI). Before issue 15 it only matched email SANs.
    std::string certificate_identity;              // --certificate-identity VALUE
    std::string certificate_identity_regexp;       // --certificate-identity-regexp RE2 (any SAN, unanchored)
    // --certificate-github-workflow-{trigger,sha,name,repository,ref}: exact, on
    // the Fulcio extensions 1.3.6.1.4.1.57264.1.2-.6 as cosign reads them (keyless only).
    std::string github_workflow_trigger;
    std::string github_workflow_sha;
    std::string github_workflow_name;
    std::string github_workflow_repository;
    std::string github_workflow_ref;
    // PKI: roots, optional intermediates, an email and/or a hostname.
    std::string ca_roots_path;                     // --ca-roots FILE
    std::string ca_intermediates_path;             // --ca-intermediates FILE
    std::string certificate_hostname;              // --certificate-hostname HOST
    // Sigstore bundles (cosign v3): a trusted_root.json for keys or keyless
    // (instead of --fulcio-ca and --rekor-public-key; keyless with neither uses
    // the built-in public-good root), and signedIdentity matchDigestOnly.
    std::string trusted_root_path;                 // --trusted-root FILE
    bool match_digest_only = false;                // --match-digest-only
};

// Which in-memory trust the options select (none: a policy file or --insecure-policy).
enum class TrustKind { none, keys, fulcio, pki };
TrustKind trust_kind(const TrustOptions& options);

// With keys, fulcio or pki: default and transports.docker[""] both hold one
// sigstoreSigned requirement whose signedIdentity is matchRepoDigestOrExact,
// or exactRepository / matchRepository / matchDigestOnly when asked.
//   keys:   keyPath (keyPaths for several), plus rekorPublicKeyPath(s) when
//           --rekor-public-key is given ("the signature must also be logged"),
//           or trustedRootPath with --trusted-root;
//   fulcio: fulcio {caPath, oidcIssuer|oidcIssuerRegExp, subject|subjectRegExp,
//           githubWorkflow*} + rekorPublicKeyPath(s), mandatory as
//           containers-policy.json(5) requires; or, instead of caPath and the
//           Rekor keys, trustedRootPath (--trusted-root) or, with none of the
//           three, trustedRootData holding the built-in public-good root;
//   pki:    pki {caRootsPath, caIntermediatesPath, subject|subjectRegExp, subjectHostname}.
// Every trust file is read and parsed now, so that a bad file is a
// configuration error before any image is checked. Throws ConfigError for
// conflicting or missing options and unusable files; PolicyFormatError for a
// bad policy file.
Policy build_validation_policy(const TrustOptions& options);

// Warnings about valid options (printed by the CLI): an identity or issuer
// regexp that is not anchored at both ends.
std::vector<std::string> trust_option_warnings(const TrustOptions& options);

}  // namespace imgtrust::validate
