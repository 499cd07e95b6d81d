#include "sigstore/artifact.hpp"

namespace imgtrust::sigstore {
namespace {

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

ArtifactExpectation ArtifactExpectation::of_bytes(std::string artifact_bytes) {
    util::Digest digest = util::Digest::of(util::DigestAlgorithm::sha256, artifact_bytes);
    return ArtifactExpectation(std::move(artifact_bytes), std::move(digest));
}

ArtifactExpectation ArtifactExpectation::of_digest(util::Digest artifact_digest) {
    return ArtifactExpectation(std::nullopt, std::move(artifact_digest));
}

std::optional<std::string> ArtifactExpectation::raw_digest(util::DigestAlgorithm algorithm) const {
    if (bytes_) return util::raw_digest(algorithm, *bytes_);
    if (digest_.algorithm() != algorithm) return std::nullopt;
    // util::Digest holds validated lowercase hex.
    std::string raw;
    auto hex = digest_.hex();
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) raw += static_cast<char>(hex_value(hex[i]) * 16 + hex_value(hex[i + 1]));
    return raw;
}

}  // namespace imgtrust::sigstore
