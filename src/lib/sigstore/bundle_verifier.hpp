// Verification of one Sigstore bundle (cosign v3, sigstore-go, sigstore-js…)
// per the Sigstore client specification: the signature over the artifact (or
// the DSSE envelope), the key or certificate that made it, the transparency
// log entries and timestamps that say when, all against one TrustedRoot.
//
// Order (the client spec's, and DESIGN.md's): parse the bundle strictly; verify
// the transparency log entries and RFC 3161 timestamps (the times they prove);
// verify the certificate chain at every verified time (or take the trusted key);
// verify the signature over the raw artifact / the DSSE PAE; only then parse
// the DSSE payload and compare the artifact digest; identity last.
#pragma once

#include <cstddef>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signature/certificate.hpp"
#include "signature/fulcio.hpp"
#include "signature/public_key.hpp"
#include "sigstore/artifact.hpp"
#include "sigstore/trust_material.hpp"
#include "util/digest.hpp"

namespace imgtrust::sigstore {

struct BundleVerificationOptions {
    // Fulcio CAs, Rekor logs, CT logs and TSAs. Must outlive the call.
    const TrustedRoot* trusted_root = nullptr;
    // Keyed mode when non-empty (cosign --key, policy keyPath/keyData): the
    // bundle must carry a publicKey hint, not a certificate, and one of these
    // keys must verify the signature. Empty: the bundle needs a certificate
    // chaining to a CA of trusted_root.
    std::vector<signature::PublicKey> trusted_keys;
    // At least this many distinct trusted logs must hold a verified entry for
    // this signature (entries of logs the root does not list are skipped).
    // 0 = no entry is required (cosign --insecure-ignore-tlog; a policy with
    // keys and no Rekor key); entries present are still verified when their
    // log is trusted.
    std::size_t tlog_threshold = 1;
    // At least this many verified times (Rekor v1 SET integrated times plus
    // RFC 3161 timestamps). Certificates need at least 1; keyed mode may use 0.
    std::size_t observer_timestamp_threshold = 1;
    // Certificate mode: called with the verified leaf after the chain, SCT and
    // signature checks; throws signature::SignatureRejected on a mismatch.
    // Use signature/certificate_identity.hpp's matcher. Certificate mode
    // requires it: an empty function rejects (there is no implicit "any identity").
    std::function<void(const signature::Certificate& verified_leaf)> check_identity;
    // Certificate mode with the caller's own CA rules (policy "pki", checked at
    // the current time): when set, it replaces the trusted-root chain, SCT and
    // identity checks, and the times are not needed for the certificate. It
    // receives the leaf and the bundle's other certificates (untrusted
    // intermediates) and throws signature::SignatureRejected.
    std::function<void(const signature::Certificate& leaf, const std::vector<signature::Certificate>& untrusted_intermediates)>
        verify_certificate_instead;
    // The current time (tests may fix it): integrated times after now + 60 s reject.
    std::optional<std::time_t> now;
};

enum class ContentKind { message_signature, dsse_envelope };

// A time that some trusted party vouched for, as reported to users.
struct TimeSource {
    enum class Kind { rekor_set, rfc3161_timestamp };
    Kind kind;
    std::time_t time;
    std::string authority;  // the Rekor log's baseUrl or the TSA's "organization/commonName"
    std::string kind_name() const { return kind == Kind::rekor_set ? "SET" : "TSA"; }
};

struct InTotoSubject {
    std::string name;
    std::vector<util::Digest> digests;  // the sha256/sha384/sha512 entries of its digest map
};

struct VerifiedBundle {
    VerifiedBundle(ContentKind kind, signature::PublicKey key) : content_kind(kind), signing_key(std::move(key)) {}
    ContentKind content_kind = ContentKind::message_signature;
    signature::PublicKey signing_key;                      // the key that verified the signature
    std::optional<signature::CertificateSummary> certificate;  // certificate mode only
    // DSSE only: the verified envelope's payloadType and payload bytes, and, for
    // in-toto statements, the predicateType and subjects.
    std::string payload_type;
    std::string payload;
    std::string predicate_type;
    std::vector<InTotoSubject> subjects;
    std::vector<TimeSource> time_sources;      // every verified time (empty only with threshold 0)
    std::size_t verified_tlog_entries = 0;     // entries of trusted logs that verified
};

// Verifies `untrusted_bundle_json` (at most 4 MiB). Throws
// signature::SignatureRejected naming the first check that failed (a bad
// bundle is a rejected signature, never a configuration error). Throws
// ConfigError only for unusable options (no trusted_root).
VerifiedBundle verify_bundle(std::string_view untrusted_bundle_json, const ArtifactExpectation& artifact,
                             const BundleVerificationOptions& options);

}  // namespace imgtrust::sigstore
