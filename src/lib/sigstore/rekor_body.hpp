// The canonicalized body of a Rekor entry: the log leaf that the inclusion
// proof and the SET cover, read only after one of them verified. Kinds:
// hashedrekord 0.0.1 (Rekor v1) and 0.0.2 (Rekor v2, also for DSSE: the
// digest of the PAE), dsse 0.0.1 and 0.0.2, intoto 0.0.2.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/digest.hpp"

namespace imgtrust::sigstore {

// One signature the entry records, with the key or certificate it names.
struct LoggedSignature {
    std::string signature;            // raw bytes
    std::string verifier_der;         // DER certificate or DER SubjectPublicKeyInfo
    bool verifier_is_certificate = false;
};

struct RekorEntryBody {
    std::string kind;
    std::string api_version;
    std::vector<LoggedSignature> signatures;
    // hashedrekord: the digest the signature is over (the artifact's, or the DSSE PAE's for 0.0.2)
    std::optional<util::DigestAlgorithm> digest_algorithm;
    std::string digest;  // raw
    // dsse / intoto: SHA-256 of the envelope payload
    std::string payload_sha256;  // raw
};

// Parses `body` (through the JSON gateway); its kind and apiVersion must be
// `kind` and `version` (the entry's kindVersion). Throws
// signature::SignatureRejected for an unsupported kind or a malformed body.
RekorEntryBody parse_rekor_body(std::string_view body, std::string_view kind, std::string_view version);

// Rekor v2 (rekor-tiles) entries: hashedrekord or dsse at version 0.0.2. They
// carry no integrated time and no SET; an inclusion proof is mandatory.
bool is_rekor_v2_kind(std::string_view kind, std::string_view version);

}  // namespace imgtrust::sigstore
