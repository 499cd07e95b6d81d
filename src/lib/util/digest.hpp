// The one owner of content digests ("algorithm:hex", go-digest v1.0.0 as
// c/image vendors it): syntax, comparison and hashing. Callers keep their own
// user-visible messages by switching on DigestError.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::util {

// The algorithms go-digest registers (and so c/image accepts).
enum class DigestAlgorithm { sha256, sha384, sha512 };

// Why go-digest's Digest.Validate refuses a string.
enum class DigestError {
    invalid_format,         // no "alg:" prefix, empty part, or text outside go-digest's DigestRegexp
    invalid_length,         // a known algorithm with the wrong number of hex digits
    not_lowercase_hex,      // a known algorithm, right length, but not [0-9a-f] (go-digest: invalid format)
    unsupported_algorithm,  // well-formed, but not sha256/sha384/sha512
};

std::string_view digest_algorithm_name(DigestAlgorithm algorithm);  // "sha256", ...
std::size_t digest_hex_length(DigestAlgorithm algorithm);           // 64, 96, 128
std::optional<DigestAlgorithm> digest_algorithm_named(std::string_view name);

// The raw (binary) digest of bytes. The OpenSSL digests are fetched once per
// process: an implicit fetch by name on every call cost more than hashing a
// manifest. Throws imgtrust::Error only if OpenSSL itself fails.
std::string raw_digest(DigestAlgorithm algorithm, std::string_view bytes);

// A valid digest: a known algorithm and exactly its length of lowercase hex.
class Digest {
public:
    // go-digest's Validate: nullopt when `text` is a valid digest, else why not.
    static std::optional<DigestError> validation_error(std::string_view text);
    // go-digest's Parse: the digest, or nullopt for anything Validate refuses.
    static std::optional<Digest> parse(std::string_view text);
    // The digest of bytes under algorithm.
    static Digest of(DigestAlgorithm algorithm, std::string_view bytes);

    DigestAlgorithm algorithm() const { return algorithm_; }
    std::string_view algorithm_name() const { return digest_algorithm_name(algorithm_); }
    std::string_view hex() const { return std::string_view(text_).substr(algorithm_name().size() + 1); }
    const std::string& string() const { return text_; }  // "algorithm:hex"

    // Are these bytes exactly what the digest names (hashed with its algorithm)?
    bool matches(std::string_view bytes) const;

    bool operator==(const Digest& other) const { return text_ == other.text_; }
    bool operator!=(const Digest& other) const { return !(*this == other); }

private:
    Digest(DigestAlgorithm algorithm, std::string text) : algorithm_(algorithm), text_(std::move(text)) {}

    DigestAlgorithm algorithm_;
    std::string text_;
};

}  // namespace imgtrust::util
