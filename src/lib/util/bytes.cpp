#include "util/bytes.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "imgtrust/errors.hpp"

namespace imgtrust::util {

std::optional<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) return std::nullopt;
        throw FetchError("reading " + what + " " + path + ": " + std::strerror(errno));
    }
    std::string data;
    std::vector<char> chunk(64 * 1024);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        data.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (data.size() > max_bytes)
            throw FetchError(what + " " + path + " exceeds the " + std::to_string(max_bytes) + "-byte limit");
    }
    if (in.bad()) throw FetchError("reading " + what + " " + path + ": I/O error");
    return data;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    if (text.empty()) return std::string();
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
        bool padding = c == '=' && i >= text.size() - 2 && (i == text.size() - 1 || text.back() == '=');
        if (!alphabet && !padding) return std::nullopt;
    }
    std::string out(text.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    std::size_t pad = text.back() == '=' ? (text[text.size() - 2] == '=' ? 2 : 1) : 0;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string base64_encode(std::string_view bytes) {
    std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string hex_encode(std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xf]);
    }
    return out;
}

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

    // nullptr for an unknown name; the implicitly fetched legacy object if the explicit fetch failed.
    const EVP_MD* find(std::string_view algorithm) const {
        if (algorithm == "sha256") return sha256_ ? sha256_ : EVP_sha256();
        if (algorithm == "sha384") return sha384_ ? sha384_ : EVP_sha384();
        if (algorithm == "sha512") return sha512_ ? sha512_ : EVP_sha512();
        return nullptr;
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

}  // namespace

std::optional<std::string> hex_digest(std::string_view algorithm, std::string_view bytes) {
    const EVP_MD* md = fetched_digests().find(algorithm);
    if (md == nullptr) return std::nullopt;
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out, &length, md, nullptr) != 1) return std::nullopt;
    return hex_encode(std::string_view(reinterpret_cast<const char*>(out), length));
}

std::string sha256_hex(std::string_view bytes) {
    auto hex = hex_digest("sha256", bytes);
    if (!hex) throw FetchError("SHA-256 computation failed");
    return std::move(*hex);
}

}  // namespace imgtrust::util
