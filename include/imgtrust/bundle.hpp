// Verifying one standalone Sigstore bundle (cosign v3, sigstore-go,
// sigstore-js…) for an artifact, as the sigstore-conformance CLI protocol's
// verify-bundle does: against a trusted root, with a public key or a
// certificate identity. Images signed with bundles are verified through the
// policy instead (sigstoreSigned, imgtrust/verify.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/export.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust {

namespace sigstore {
class ArtifactExpectation;  // src/lib/sigstore/artifact.hpp
}

// Bounds on the files a caller reads for a BundleVerifier (read_file_bounded).
inline constexpr std::size_t max_sigstore_bundle_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_trusted_root_bytes = 4 * 1024 * 1024;

// What a bundle must have signed. For a message signature: the artifact
// itself. For a DSSE envelope with an in-toto statement: one of the
// statement's subjects must carry the artifact's digest.
class IMGTRUST_API BundleArtifact {
public:
    static BundleArtifact of_bytes(std::string artifact_bytes);
    // The artifact known by its digest: `text` is "sha256:" and 64 hex digits
    // (of either case). nullopt when `text` is not such a digest.
    static std::optional<BundleArtifact> of_sha256_digest(std::string_view text);

private:
    friend class BundleVerifier;
    explicit BundleArtifact(std::shared_ptr<const sigstore::ArtifactExpectation> expectation);
    std::shared_ptr<const sigstore::ArtifactExpectation> expectation_;
};

// The outcome of BundleVerifier::verify. A bundle that does not verify is a
// rejection (verified false), never an exception.
struct BundleVerification {
    bool verified = false;
    std::string rejection_reason;                        // the first check that failed ("" when verified)
    RejectionKind rejection_kind = RejectionKind::none;  // the reason's kind (none when verified)
    // What was verified (only when verified):
    bool dsse_envelope = false;  // a DSSE envelope, else a message signature
    std::string payload_type;    // DSSE: the envelope's payloadType
    std::string predicate_type;  // DSSE in-toto statement: its predicateType
    // Certificate mode: the signing certificate.
    bool has_certificate = false;
    std::string certificate_issuer;
    std::vector<std::string> certificate_sans;  // "email:…", "DNS:…", "URI:…", "IP:…"
    std::string certificate_oidc_issuer;        // Fulcio certificates only
    // The key that verified the signature ("ECDSA P-256", "SHA256:<hex>").
    std::string key_algorithm;
    std::string key_fingerprint;
    std::vector<SigningTime> signing_times;  // every verified time (Rekor SETs, RFC 3161 timestamps)
    std::size_t verified_tlog_entries = 0;   // transparency log entries of trusted logs that verified
};

// Trust material for bundles, loaded and checked when it is given (a bad root
// or key is a ConfigError then, not at verification). Configure it once, then
// verify() is const and may run from many threads at once.
class IMGTRUST_API BundleVerifier {
public:
    // Trusts the Sigstore public-good instance (its trusted root is built in).
    BundleVerifier();
    // Trusts a trusted_root.json (protobuf-specs TrustedRoot); `source` names
    // it in messages. Throws ConfigError when it does not parse.
    BundleVerifier(std::string_view trusted_root_json, const std::string& source);
    ~BundleVerifier();
    BundleVerifier(BundleVerifier&&) noexcept;
    BundleVerifier& operator=(BundleVerifier&&) noexcept;
    BundleVerifier(const BundleVerifier&) = delete;
    BundleVerifier& operator=(const BundleVerifier&) = delete;

    // Keyed mode (cosign --key): one of the PEM "PUBLIC KEY" blocks of `pem`
    // must have made the signature; the bundle carries a key hint, not a
    // certificate, and needs no verified signing time (a key does not expire).
    // Throws ConfigError naming `source` when there is no key or one is invalid.
    void trust_public_keys(std::string_view pem, const std::string& source);

    // Certificate mode: the Fulcio certificate, chaining to a CA of the trusted
    // root at a verified signing time, must have a subject alternative name
    // equal to `subject` (any SAN type) and the OIDC issuer `oidc_issuer`.
    void require_certificate_identity(const std::string& subject, const std::string& oidc_issuer);

    // Verifies `untrusted_bundle_json` (at most max_sigstore_bundle_bytes) in
    // the Sigstore client specification's order: strict parse, transparency
    // log entries and timestamps, certificate chain (or the trusted key), the
    // signature over the raw artifact or DSSE PAE, the payload, then identity.
    BundleVerification verify(std::string_view untrusted_bundle_json, const BundleArtifact& artifact) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// "2024-05-01T12:00:00Z": seconds since the epoch as RFC 3339, in UTC.
IMGTRUST_API std::string format_rfc3339_utc(std::int64_t seconds_since_epoch);

}  // namespace imgtrust
