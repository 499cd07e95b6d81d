// A Sigstore bundle (protobuf-specs sigstore_bundle.proto, media types v0.1 to
// v0.3) parsed strictly from its JSON form. Everything here is UNTRUSTED: the
// parse checks the shape and the bounds, bundle_verifier.cpp decides what it
// proves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/bundle.hpp"
#include "signature/certificate.hpp"
#include "util/digest.hpp"

namespace imgtrust::sigstore {

// Bounds on what one bundle may hold (sigstore-go limits tlog entries to 32).
inline constexpr std::size_t max_bundle_bytes = imgtrust::max_sigstore_bundle_bytes;  // public (imgtrust/bundle.hpp)
inline constexpr std::size_t max_tlog_entries = 32;
inline constexpr std::size_t max_chain_certificates = 10;
inline constexpr std::size_t max_rfc3161_timestamps = 32;
inline constexpr std::size_t max_dsse_signatures = 32;
inline constexpr std::size_t max_inclusion_proof_hashes = 64;  // a tree of 2^64 leaves

enum class BundleVersion { v0_1, v0_2, v0_3 };

struct MessageSignature {
    // messageDigest is optional in the proto; "the digest field ... is an unauthenticated hint".
    std::optional<util::DigestAlgorithm> digest_algorithm;
    std::string digest;  // raw bytes
    std::string signature;
};

struct DsseSignature {
    std::string signature;  // raw bytes of "sig"
    std::string key_id;
};

struct DsseEnvelope {
    std::string payload;  // decoded
    std::string payload_type;
    std::vector<DsseSignature> signatures;
};

struct InclusionProof {
    std::int64_t log_index = 0;
    std::string root_hash;
    std::int64_t tree_size = 0;
    std::vector<std::string> hashes;
    std::string checkpoint;  // the signed note text
};

struct TlogEntry {
    std::int64_t log_index = 0;
    std::string log_id;  // raw key id bytes
    std::string kind;
    std::string version;
    std::optional<std::int64_t> integrated_time;  // absent (0) for Rekor v2
    std::string signed_entry_timestamp;           // raw; empty = no inclusion promise
    std::optional<InclusionProof> inclusion_proof;
    std::string canonicalized_body;  // raw bytes (the Merkle leaf)
};

struct Bundle {
    BundleVersion version = BundleVersion::v0_3;
    std::string media_type;
    // verificationMaterial.content: exactly one of these three
    std::optional<std::string> public_key_hint;         // publicKey.hint (may be empty)
    std::vector<signature::Certificate> certificates;   // certificate, or x509CertificateChain (leaf first)
    bool has_certificate_chain_form = false;            // came from x509CertificateChain
    std::vector<TlogEntry> tlog_entries;
    std::vector<std::string> rfc3161_timestamps;        // DER
    // content: exactly one of these two
    std::optional<MessageSignature> message_signature;
    std::optional<DsseEnvelope> dsse_envelope;
};

// Parses through util::parse_untrusted_json (≤ max_bundle_bytes). Throws
// signature::SignatureRejected("invalid bundle: <path>: <reason>").
Bundle parse_bundle(std::string_view untrusted_json);

// DER X.509 as Go's x509.ParseCertificate reads it (no trailing bytes, no
// repeated extension); throws SignatureRejected.
signature::Certificate parse_certificate_der(std::string_view untrusted_der);

}  // namespace imgtrust::sigstore
