// Keyless certificate identities: which subject alternative names, OIDC issuer
// and Fulcio extensions a certificate must carry, decided as cosign v2.6's
// CheckCertificatePolicy (pkg/cosign/verify.go) and the flags of
// cmd/cosign/cli/options/certificate.go do, plus c/image's subjectEmail and the
// imgtrust policy.json extensions (subjectURI, subject, subjectRegExp,
// oidcIssuerRegExp, buildSignerURI, buildSignerURIRegExp).
//
// Regular expressions are RE2 (Go's regexp syntax), matched UNANCHORED like
// Go's Regexp.MatchString: "github.com/org" also matches
// "https://evil.example/?github.com/org". Anchor with ^…$.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signature/certificate.hpp"

namespace imgtrust::signature {

// ---------------------------------------------------------------- SANs

enum class SanType { dns, email, ip, uri, other_name };
const char* san_type_name(SanType type);  // "DNS", "email", "IP", "URI", "otherName"

struct SubjectAlternativeName {
    SanType type;
    std::string value;
};

// sigstore's cryptoutils.GetSubjectAlternateNames, in its order: DNS names,
// emails, IPs (as Go's net.IP.String prints them: IPv4 and IPv4-mapped as
// dotted quads, IPv6 in RFC 5952 form), URIs, then the Fulcio username
// otherName (OID 1.3.6.1.4.1.57264.1.7, a UTF8String). Throws SignatureRejected
// for an IP SAN that is neither 4 nor 16 bytes (Go cannot parse such a certificate).
std::vector<SubjectAlternativeName> certificate_subject_alternative_names(const Certificate& certificate);

// ---------------------------------------------------------------- Fulcio extensions

// One Fulcio extension (sigstore/fulcio docs/oid-info.md) found in a certificate.
struct FulcioExtension {
    std::string oid;    // "1.3.6.1.4.1.57264.1.5"
    std::string name;   // report name: "githubWorkflowRepository", "sourceRepositoryURI", …
    std::string value;  // .1.1–.1.6: the raw extension bytes (as cosign reads them);
                        // .1.8 onward: the decoded DER string
};

// Every Fulcio extension in the 1.3.6.1.4.1.57264.1 arc, by name. Values of
// .1.1–.1.6 are the raw bytes; .1.8 onward must be one DER UTF8String (or
// PrintableString/IA5String): a malformed one is recorded in `malformed` and
// only rejects when a requirement reads it.
struct FulcioExtensions {
    // deprecated, raw bytes
    std::optional<std::string> issuer_v1;                   // .1.1 Issuer
    std::optional<std::string> github_workflow_trigger;     // .1.2 — cosign --certificate-github-workflow-trigger
    std::optional<std::string> github_workflow_sha;         // .1.3 — --certificate-github-workflow-sha
    std::optional<std::string> github_workflow_name;        // .1.4 — --certificate-github-workflow-name
    std::optional<std::string> github_workflow_repository;  // .1.5 — --certificate-github-workflow-repository
    std::optional<std::string> github_workflow_ref;         // .1.6 — --certificate-github-workflow-ref
    // DER strings
    std::optional<std::string> issuer_v2;                                // .1.8 Issuer (V2)
    std::optional<std::string> build_signer_uri;                         // .1.9
    std::optional<std::string> build_signer_digest;                      // .1.10
    std::optional<std::string> runner_environment;                       // .1.11
    std::optional<std::string> source_repository_uri;                    // .1.12
    std::optional<std::string> source_repository_digest;                 // .1.13
    std::optional<std::string> source_repository_ref;                    // .1.14
    std::optional<std::string> source_repository_identifier;             // .1.15
    std::optional<std::string> source_repository_owner_uri;              // .1.16
    std::optional<std::string> source_repository_owner_identifier;       // .1.17
    std::optional<std::string> build_config_uri;                         // .1.18
    std::optional<std::string> build_config_digest;                      // .1.19
    std::optional<std::string> build_trigger;                            // .1.20
    std::optional<std::string> run_invocation_uri;                       // .1.21
    std::optional<std::string> source_repository_visibility_at_signing;  // .1.22
    std::vector<std::string> malformed;  // OIDs of .1.8+ extensions that are not one DER string

    // Every extension present, in OID order, for reports and explain output.
    std::vector<FulcioExtension> present() const;
};

// Reads the extensions; never throws for a missing or malformed one (see above).
// Throws SignatureRejected only for a repeated Fulcio extension.
FulcioExtensions read_fulcio_extensions(const Certificate& certificate);

// ---------------------------------------------------------------- requirement

// The cosign --certificate-github-workflow-* flags: exact matches on the
// DEPRECATED extensions .1.2–.1.6, which is what cosign v2.6 reads for them
// (pkg/cosign/certextensions.go); "" = not checked. A certificate without the
// extension never matches a non-empty expectation.
struct GithubWorkflowExpectations {
    std::string trigger;     // .1.2
    std::string sha;         // .1.3
    std::string name;        // .1.4
    std::string repository;  // .1.5
    std::string ref;         // .1.6
    bool empty() const { return trigger.empty() && sha.empty() && name.empty() && repository.empty() && ref.empty(); }
};

// What the user configured; "" = not checked. Every non-empty rule must hold (AND).
struct IdentityRequirementSpec {
    std::string subject;          // exact, against EVERY SAN (cosign --certificate-identity; policy "subject")
    std::string subject_regexp;   // RE2, against every SAN (--certificate-identity-regexp; "subjectRegExp")
    std::string subject_email;    // exact, email SANs only (c/image "subjectEmail")
    std::string subject_uri;      // exact, URI SANs only ("subjectURI", c/image PR #2235)
    std::string oidc_issuer;      // exact (--certificate-oidc-issuer; "oidcIssuer")
    std::string oidc_issuer_regexp;      // RE2 (--certificate-oidc-issuer-regexp; "oidcIssuerRegExp")
    std::string build_signer_uri;        // exact .1.9 ("buildSignerURI", container-libs PR #625)
    std::string build_signer_uri_regexp; // RE2 on .1.9 ("buildSignerURIRegExp")
    GithubWorkflowExpectations github_workflow;
    // The OIDC issuer is read (and, with a rule, required) only for Fulcio
    // certificates; pki certificates carry none.
    bool require_fulcio_issuer = true;
};

// A validated, immutable requirement: RE2 patterns compiled once, shareable
// across threads (RE2 matching is thread-safe).
class IdentityRequirement {
public:
    // Throws imgtrust::ConfigError: an RE2 pattern that does not compile
    // ("invalid subject regexp \"(\": missing ): (" — RE2's own message), both
    // subject and subject_regexp (or oidc_issuer and oidc_issuer_regexp, or
    // build_signer_uri and its regexp) given, or a requirement with no subject
    // rule at all (no implicit "any identity").
    explicit IdentityRequirement(IdentityRequirementSpec spec);
    ~IdentityRequirement();
    IdentityRequirement(const IdentityRequirement&);
    IdentityRequirement& operator=(const IdentityRequirement&);
    IdentityRequirement(IdentityRequirement&&) noexcept;
    IdentityRequirement& operator=(IdentityRequirement&&) noexcept;

    const IdentityRequirementSpec& spec() const { return spec_; }
    // One line for explain/validate text: `subject (any SAN) "…", OIDC issuer "…", …`.
    std::string describe() const;
    // Patterns that are not anchored at both ends (lint and validate warn):
    // `subject regexp "github.com/org" is not anchored: it also matches
    // "https://evil.example/?github.com/org"; write ^…$`.
    std::vector<std::string> unanchored_pattern_warnings() const;

    struct Compiled;  // RE2 objects (implementation detail)
    const Compiled& compiled() const { return *compiled_; }

private:
    IdentityRequirementSpec spec_;
    std::shared_ptr<const Compiled> compiled_;
};

// Go's regexp.MustCompile(pattern).MatchString(text) through RE2 (unanchored,
// UTF-8). Throws ConfigError with RE2's message for an invalid pattern. For
// tests and one-off checks; IdentityRequirement compiles once.
bool go_regexp_match_string(std::string_view pattern, std::string_view text);
// "" when `pattern` compiles as Go's regexp.Compile would accept it, else RE2's error text.
std::string go_regexp_compile_error(std::string_view pattern);
// True when the whole pattern is held between ^ (or \A) and $ (or \z): no
// top-level alternation, no (?m). Conservative: false when unsure.
bool go_regexp_is_anchored(std::string_view pattern);

// ---------------------------------------------------------------- matching

struct IdentityMatch {
    std::optional<SubjectAlternativeName> matched_san;  // the SAN that satisfied the subject rule(s)
    std::string oidc_issuer;                            // from .1.1/.1.8 ("" when absent, e.g. pki)
    std::vector<SubjectAlternativeName> subject_alternative_names;  // all of them, in cosign's order
    FulcioExtensions extensions;
};

// Checks every rule of `requirement` against an already chain-verified
// certificate. Throws SignatureRejected listing each failed rule with expected
// versus found, joined by "; ", issuer first, then subjects, then extensions:
//   Unexpected Fulcio OIDC issuer "b" (the policy requires "a")
//   Required email "x" not found (got ["y"])                      (c/image's texts, kept)
//   Certificate subject: no subject alternative name equals "s" (found URI "u", email "e")
//   Certificate subject: no subject alternative name matches the RE2 pattern "p" (found …)
//   Certificate extension githubWorkflowRepository (1.3.6.1.4.1.57264.1.5): expected "o/r", found "o/x"   (or: found none)
IdentityMatch match_certificate_identity(const Certificate& verified_certificate, const IdentityRequirement& requirement);

}  // namespace imgtrust::signature
