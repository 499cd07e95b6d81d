// Transparency log entries of a bundle, verified per the Sigstore client
// specification: each entry of a log the TrustedRoot lists must carry a
// valid inclusion promise (SET) and/or inclusion proof (Rekor v2: a proof,
// always), and its body must record THIS signature, key or certificate and
// artifact or envelope. Entries of logs the root does not list are skipped.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "sigstore/artifact.hpp"
#include "sigstore/bundle.hpp"
#include "sigstore/trust_material.hpp"
#include "util/digest.hpp"

namespace imgtrust::sigstore {

// What a log entry must name: the bundle's signature and signer, and what was signed.
struct LoggedContent {
    std::string signature;             // raw bytes of the bundle's (first) signature
    std::string verifier_der;          // the leaf certificate's DER, or the key's SubjectPublicKeyInfo
    bool verifier_is_certificate = false;
    bool is_dsse = false;
    const ArtifactExpectation* artifact = nullptr;  // messageSignature: what was signed
    // dsseEnvelope
    std::string payload;
    std::string payload_type;
};

struct VerifiedTlogEntry {
    std::string log_id;
    std::string base_url;
    std::int64_t log_index = 0;
    std::optional<std::time_t> set_integrated_time;  // only when a SET vouched for it
};

struct TlogVerification {
    std::vector<VerifiedTlogEntry> verified;
    std::vector<std::string> skipped;  // why an entry was not counted ("log … is not in the trusted root")
};

// Throws signature::SignatureRejected for the first entry of a trusted log
// that fails, for duplicate entries, and for an integrated time after `now`.
TlogVerification verify_tlog_entries(const std::vector<TlogEntry>& untrusted_entries, const TrustedRoot& root,
                                     const LoggedContent& content, std::time_t now);

// The Rekor v1 SET payload: RFC 8785 JSON of {body, integratedTime, logID (hex), logIndex}.
std::string rekor_set_payload(const TlogEntry& entry);

}  // namespace imgtrust::sigstore
