#include "util/digest.hpp"

#include <openssl/evp.h>

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"

namespace imgtrust::util {
namespace {

// The three digests of the OCI/Docker digest grammar, fetched explicitly once.
// Destroyed at exit before OpenSSL's own cleanup (which was registered first).
class FetchedDigests {
public:
    FetchedDigests()
        : sha256_(EVP_MD_fetch(nullptr, "SHA2-256", nullptr)),
          sha384_(EVP_MD_fetch(nullptr, "SHA2-384", nullptr)),
          sha512_(EVP_MD_fetch(nullptr, "SHA2-512", nullptr)) {}
    ~FetchedDigests() {
        EVP_MD_free(sha256_);
        EVP_MD_free(sha384_);
        EVP_MD_free(sha512_);
    }
    FetchedDigests(const FetchedDigests&) = delete;
    FetchedDigests& operator=(const FetchedDigests&) = delete;

    // The implicitly fetched legacy object if the explicit fetch failed.
    const EVP_MD* find(DigestAlgorithm algorithm) const {
        switch (algorithm) {
            case DigestAlgorithm::sha256: return sha256_ ? sha256_ : EVP_sha256();
            case DigestAlgorithm::sha384: return sha384_ ? sha384_ : EVP_sha384();
            case DigestAlgorithm::sha512: return sha512_ ? sha512_ : EVP_sha512();
        }
        return EVP_sha256();  // Coverage: unreachable, the switch covers every algorithm.
    }

private:
    EVP_MD* sha256_;
    EVP_MD* sha384_;
    EVP_MD* sha512_;
};

const FetchedDigests& fetched_digests() {
    static const FetchedDigests digests;
    return digests;
}

bool is_lowercase_hex(std::string_view text) {
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

// go-digest's DigestRegexpAnchored: [a-z0-9]+([.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+
bool matches_go_digest_syntax(std::string_view algorithm, std::string_view encoded) {
    bool expect_alnum = true;
    for (char c : algorithm) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum) {
            expect_alnum = false;
        } else if (!expect_alnum && (c == '.' || c == '+' || c == '_' || c == '-')) {
            expect_alnum = true;
        } else {
            return false;
        }
    }
    if (expect_alnum || encoded.empty()) return false;
    for (char c : encoded) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' ||
                             c == '_' || c == '-';
        if (!allowed) return false;
    }
    return true;
}

}  // namespace

std::string_view digest_algorithm_name(DigestAlgorithm algorithm) {
    switch (algorithm) {
        case DigestAlgorithm::sha256: return "sha256";
        case DigestAlgorithm::sha384: return "sha384";
        case DigestAlgorithm::sha512: return "sha512";
    }
    return "sha256";  // Coverage: unreachable.
}

std::size_t digest_hex_length(DigestAlgorithm algorithm) {
    switch (algorithm) {
        case DigestAlgorithm::sha256: return 64;
        case DigestAlgorithm::sha384: return 96;
        case DigestAlgorithm::sha512: return 128;
    }
    return 64;  // Coverage: unreachable.
}

std::optional<DigestAlgorithm> digest_algorithm_named(std::string_view name) {
    for (DigestAlgorithm algorithm : {DigestAlgorithm::sha256, DigestAlgorithm::sha384, DigestAlgorithm::sha512})
        if (digest_algorithm_name(algorithm) == name) return algorithm;
    return std::nullopt;
}

std::string raw_digest(DigestAlgorithm algorithm, std::string_view bytes) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out, &length, fetched_digests().find(algorithm), nullptr) != 1)
        throw Error("computing the " + std::string(digest_algorithm_name(algorithm)) + " digest failed");
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::optional<DigestError> Digest::validation_error(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return DigestError::invalid_format;
    const std::string_view name = text.substr(0, colon);
    const std::string_view encoded = text.substr(colon + 1);
    const std::optional<DigestAlgorithm> algorithm = digest_algorithm_named(name);
    if (!algorithm) {
        if (!matches_go_digest_syntax(name, encoded)) return DigestError::invalid_format;
        return DigestError::unsupported_algorithm;
    }
    if (encoded.size() != digest_hex_length(*algorithm)) return DigestError::invalid_length;
    if (!is_lowercase_hex(encoded)) return DigestError::not_lowercase_hex;
    return std::nullopt;
}

std::optional<Digest> Digest::parse(std::string_view text) {
    if (validation_error(text)) return std::nullopt;
    return Digest(*digest_algorithm_named(text.substr(0, text.find(':'))), std::string(text));
}

Digest Digest::of(DigestAlgorithm algorithm, std::string_view bytes) {
    return Digest(algorithm, std::string(digest_algorithm_name(algorithm)) + ":" + hex_encode(raw_digest(algorithm, bytes)));
}

bool Digest::matches(std::string_view bytes) const { return hex() == hex_encode(raw_digest(algorithm_, bytes)); }

}  // namespace imgtrust::util
