// Evaluating a policy for an image: the question c/image's
// PolicyContext.IsRunningImageAllowed answers.
#pragma once

#include "imgtrust/export.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/client.hpp"
#include "imgtrust/image.hpp"
#include "imgtrust/policy.hpp"
#include "imgtrust/system_context.hpp"

namespace imgtrust {

// One Fulcio certificate extension (OID 1.3.6.1.4.1.57264.1.*), named as
// sigstore-go's certificate.Extensions and hangar's report name it.
struct CertificateExtension {
    std::string name;   // "githubWorkflowRepository", "buildSignerURI", "runnerEnvironment", …
    std::string oid;    // "1.3.6.1.4.1.57264.1.5"
    std::string value;
};

// A signing time that a trusted party vouched for (Sigstore bundles).
struct SigningTime {
    std::string source;     // "SET" (a Rekor v1 signed entry timestamp) or "TSA" (an RFC 3161 timestamp)
    std::int64_t time = 0;  // seconds since the epoch
    std::string authority;  // the log's base URL or the timestamp authority's name
};

// Why a signature or a requirement was rejected, set where the rejection is
// made. Reports are derived from it (validate's statuses, verify's JSON
// "rejectionKind"), never from the reason text, which may be reworded.
enum class RejectionKind {
    none,                 // not rejected (accepted, or not evaluated)
    // A signature (SignatureOutcome):
    invalid_signature,    // malformed or unusable: bad base64, a missing annotation, a bad payload, bundle or certificate encoding
    untrusted_signer,     // no trusted key verifies it (or its bytes were altered), or its certificate, certificate
                          // identity rule or Rekor SET does not make the signer trusted
    digest_mismatch,      // verified, but it signs another manifest digest
    identity_mismatch,    // verified for this manifest, but signedIdentity does not accept the name it claims
                          // (or it is a Sigstore bundle, which names no image, and signedIdentity is not matchDigestOnly)
    unsupported,          // a signature or requirement that no verifier exists for: a keyType other than GPGKeys, signedBaseLayer
    // A requirement (RequirementOutcome):
    no_signatures,        // a signature was required, but the image has none that this requirement looks at
    signatures_rejected,  // every signature it looked at was rejected; each signature's kind says why
    policy_reject,        // a "reject" requirement
};
// The stable report name: "invalid-signature", "untrusted-signer", … ("" for none).
IMGTRUST_API const char* rejection_kind_name(RejectionKind kind);

// The outcome of one signature under one requirement.
struct SignatureOutcome {
    std::size_t index = 0;       // position among the image's signatures (0-based)
    std::string format;          // "simple-signing", "sigstore" or "sigstore-bundle"
    bool accepted = false;
    std::string reason;          // why it was rejected (empty when accepted)
    RejectionKind rejection_kind = RejectionKind::none;  // the reason's kind (none when accepted)
    std::string signed_identity; // docker-reference claimed by a verified payload, if it got that far
    std::string key_fingerprint; // key that verified the crypto, if any
    std::string hint;            // an explanation for users, e.g. cosign's repository-only identities
    // sigstoreSigned with fulcio or pki: what the accepted (or last checked) certificate says.
    std::string certificate_subject;
    std::string certificate_issuer;
    std::vector<std::string> certificate_sans;    // "email:…", "DNS:…", "URI:…", "IP:…"
    std::string certificate_oidc_issuer;          // fulcio only
    std::optional<std::int64_t> integrated_time;  // Rekor SET integrated time (seconds since the epoch), when a SET was verified
    std::string certificate_matched_san;          // the SAN the identity rule matched ("URI:https://…"), accepted certificates
    std::vector<CertificateExtension> certificate_extensions;  // Fulcio extensions of the accepted certificate
    // Sigstore bundles: where the bundle was found ("referrers", "referrers-tag",
    // "oci-layout") and the verified times the certificate was checked at.
    std::string found_in;
    std::vector<SigningTime> signing_times;
};

// The outcome of one requirement of the matched scope.
struct RequirementOutcome {
    std::size_t index = 0;
    std::string type;            // policy "type" string
    std::string location;        // JSON location in the policy
    enum class State { accepted, rejected, not_evaluated } state = State::not_evaluated;
    std::string reason;          // c/image's summary message when rejected
    RejectionKind rejection_kind = RejectionKind::none;  // no_signatures, signatures_rejected, policy_reject or unsupported when rejected
    std::vector<SignatureOutcome> signatures;
};

// Which manifest's signatures count for an image that is a manifest list
// (verify --multi-arch-rule; docs/verify-json.md). Implemented in
// src/lib/policy/multi_arch_rule.cpp.
enum class MultiArchRule {
    // podman pull / skopeo copy (c/image): the policy is evaluated on the
    // platform instance, by its own digest; the index's signatures are ignored.
    platform,
    // skopeo >= 1.22.2 experimental-image-proxy (bootc, rpm-ostree): the policy
    // is evaluated on the index and on the platform instance, and "we only
    // error if *both* the toplevel and target verification failed". A
    // single-manifest image is evaluated as under `platform`.
    index_or_platform,
};
IMGTRUST_API const char* multi_arch_rule_name(MultiArchRule rule);  // "platform", "index-or-platform"

// The verdict for one image (one manifest: the single-platform one that is used).
struct Verdict {
    std::string image;            // "transport:reference"
    std::string policy_source;    // policy file
    std::string transport_scope;  // e.g. `transports.dir["/srv/images"]` or `default`
    std::string manifest_digest;  // digest of the manifest bytes that were verified
    std::string platform;         // "os/arch[/variant]" when chosen from a list, else empty
    std::string list_digest;      // digest of the manifest list the instance was taken from, else empty
    bool allowed = false;
    // A denial not owned by any one requirement, else empty: with
    // EvaluationOptions::require_signed, c/image's "No signature verification
    // policy found for image …".
    std::string reason;
    std::vector<RequirementOutcome> requirements;
    // The multi-arch rule applied ("platform", "index-or-platform") and which
    // manifest's evaluation allowed the image: "manifest" (not a list),
    // "platform" (the instance itself), "index" (index-or-platform: only the
    // index's), or "" when not allowed. `requirements` are always the instance's.
    std::string multi_arch_rule;
    std::string satisfied_by;
    // index-or-platform, when the instance was rejected: the evaluation of the
    // index (digest list_digest) itself.
    bool index_evaluated = false;
    bool index_allowed = false;
    std::string index_reason;
    std::vector<RequirementOutcome> index_requirements;
};

struct EvaluationOptions {
    // Receives one line per decision when set (--debug). Must not be shown credentials.
    std::function<void(const std::string&)> debug_log;
    // For manifest lists: which instance is used, as skopeo chooses it.
    std::string override_os;
    std::string override_arch;
    std::string override_variant;
    // c/image's PolicyContext.RequireSignatureVerification (skopeo --require-signed):
    // "at least one policy requirement which performs signature verification on
    // the entire image contents must be present". Only signedBy and
    // sigstoreSigned verify signatures; insecureAcceptAnything does not.
    bool require_signed = false;
    // Whether a signature on a manifest list's index counts (MultiArchRule).
    MultiArchRule multi_arch_rule = MultiArchRule::platform;
    // Which OpenPGP engine verifies simple signing (signedBy) signatures:
    // "gpgme" (gpg through gpgme, as c/image), "rnp" (librnp, in-process), or
    // empty for the default: "rnp" when imgtrust is built with RNP, else
    // "gpgme" (docs/openpgp-engines.md). An unknown or unavailable engine makes
    // the PolicyContext constructor throw ConfigError.
    std::string openpgp_engine;
    // How images are reached (auth, TLS, registries.d, shared connection pool).
    // PolicyContext makes its own Client from it once, at construction (sharing
    // `system.pool` when it is set), for evaluate(image) and
    // evaluate_all_instances(image).
    SystemContext system;
    // Make the PolicyContext constructor throw the first trust problem (see
    // PolicyContext::trust_problems) instead of recording it. Off by default,
    // which keeps c/image's verdicts: a bad key only fails the images whose
    // scope evaluates the requirement naming it.
    bool fail_on_trust_problems = false;
};

// One parsed policy with all of its trust material, ready to evaluate images.
//
// Trust is loaded when the context is built: the keyrings of every signedBy
// requirement (keyType GPGKeys; in the OpenPGP engine chosen), the public keys,
// Fulcio and PKI CAs, Rekor keys, trusted roots and compiled identity rules of
// every sigstoreSigned requirement, in every scope. A requirement whose trust
// cannot be loaded (an unreadable key file, data holding no key, a CA file
// without a certificate, a non-ECDSA Rekor key …) does not fail the
// construction: its ConfigError is recorded, listed by trust_problems(), and
// thrown again, with the same message, by every evaluation that reaches that
// requirement. Images whose scope never reaches it get c/image's verdict, as
// skopeo and podman give it. Set EvaluationOptions::fail_on_trust_problems to
// make the constructor throw the first problem instead.
//
// Thread safety: a PolicyContext is immutable after construction. Every
// member function is const and may be called from any number of threads at
// once on one context (GPG verification uses a pool of gpgme contexts or RNP
// keyrings; see src/lib/signature/handle_pool.hpp). An ImageSource passed by
// the caller is used by the calling thread only and must not be shared with
// another evaluation running at the same time. debug_log may be called from
// several threads at once.
class IMGTRUST_API PolicyContext {
public:
    // Throws ConfigError for an unknown or unavailable OpenPGP engine or
    // unusable registry settings (and, with fail_on_trust_problems, for the
    // first trust problem).
    explicit PolicyContext(Policy policy, EvaluationOptions options = {});
    ~PolicyContext();
    PolicyContext(const PolicyContext&) = delete;
    PolicyContext& operator=(const PolicyContext&) = delete;

    // Opens the image, reads its manifest and signatures and evaluates the
    // policy. Rejection is a Verdict with allowed == false; configuration
    // problems throw ConfigError/PolicyFormatError, unreadable images FetchError.
    // The image is reached through the context's own Client, made once from
    // options().system, so repeated calls share connections and tokens.
    Verdict evaluate(const ImageReference& image) const;

    // The same, through the caller's Client (shared by many contexts or threads).
    Verdict evaluate(const ImageReference& image, const Client& client) const;

    // Evaluates against an already-open source (the manifest used is
    // `instance_digest`, or the top-level one).
    Verdict evaluate(const ImageReference& image, ImageSource& source, const std::string& instance_digest = {}) const;

    // Every instance of a manifest list / OCI index, each by its own digest
    // (skopeo copy --all checks each one), in list order; the identity is still
    // `image`. The image is acceptable only if every Verdict allows it. For a
    // single-manifest image: one Verdict. Under MultiArchRule::platform the
    // list's own signatures are never evaluated, as in c/image; under
    // index_or_platform the index is evaluated once and its verdict can allow
    // each instance.
    std::vector<Verdict> evaluate_all_instances(const ImageReference& image) const;
    std::vector<Verdict> evaluate_all_instances(const ImageReference& image, const Client& client) const;
    std::vector<Verdict> evaluate_all_instances(const ImageReference& image, ImageSource& source) const;

    const Policy& policy() const;
    // The options given, with system.pool set to the context's own Client's pool.
    const EvaluationOptions& options() const;

    // Requirements whose trust material could not be loaded, in policy order
    // (default, then each transport's scopes): location (e.g.
    // `transports.docker["example.com"][0]`) and the ConfigError message that
    // evaluating it throws. Empty when all trust loaded. Severity is error.
    std::vector<PolicyDiagnostic> trust_problems() const;

private:
    struct State;
    std::unique_ptr<const State> state_;
};

}  // namespace imgtrust
