// DSSE envelopes (secure-systems-lab/dsse protocol.md) and the in-toto
// statements they carry (in-toto/attestation spec/v1/statement.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/digest.hpp"

namespace imgtrust::sigstore {

inline constexpr std::string_view in_toto_payload_type = "application/vnd.in-toto+json";

// "Sign the result of PAE(UTF8(payloadType), serializedBody)":
// PAE = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in ASCII decimal.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

struct StatementSubject {
    std::string name;
    std::vector<util::Digest> digests;  // the sha256/sha384/sha512 entries of its DigestSet
};

struct InTotoStatement {
    std::string type;  // "_type": https://in-toto.io/Statement/v1 (or v0.1)
    std::string predicate_type;
    std::vector<StatementSubject> subjects;
};

// Parses a VERIFIED payload (≤ 4 MiB, through the JSON gateway). Throws
// signature::SignatureRejected for anything that is not an in-toto statement
// with a known _type and at least one subject. DigestSet entries of other
// algorithms are ignored; a malformed sha256/sha384/sha512 value rejects.
InTotoStatement parse_in_toto_statement(std::string_view verified_payload);

}  // namespace imgtrust::sigstore
