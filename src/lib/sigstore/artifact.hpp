// What a bundle must have signed. For a messageSignature: the artifact
// itself. For a DSSE envelope with an in-toto statement: one of the
// statement's subjects must carry this digest ("the input is a subject in the
// in-toto statement", sigstore-conformance cli_protocol.md).
#pragma once

#include <optional>
#include <string>

#include "util/digest.hpp"

namespace imgtrust::sigstore {

class ArtifactExpectation {
public:
    static ArtifactExpectation of_bytes(std::string artifact_bytes);
    static ArtifactExpectation of_digest(util::Digest artifact_digest);  // sha256, sha384 or sha512

    const std::optional<std::string>& bytes() const { return bytes_; }
    const util::Digest& digest() const { return digest_; }  // SHA-256 of the bytes when built from bytes
    // The raw digest under `algorithm`: computed from the bytes, or the given
    // digest when it uses that algorithm; nullopt when it cannot be known.
    std::optional<std::string> raw_digest(util::DigestAlgorithm algorithm) const;

private:
    ArtifactExpectation(std::optional<std::string> bytes, util::Digest digest) : bytes_(std::move(bytes)), digest_(std::move(digest)) {}
    std::optional<std::string> bytes_;
    util::Digest digest_;
};

}  // namespace imgtrust::sigstore
