// Private keys as cosign loads them (pkg/cosign/keys.go: LoadPrivateKey for
// its encrypted files, ImportKeyPair for plain PEM keys), held by OpenSSL.
#include "signing/signing_key.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "imgtrust/errors.hpp"
#include "signature/certificate.hpp"
#include "signature/openssl_handles.hpp"
#include "signing/cosign_key_envelope.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"

namespace imgtrust::signing {
namespace {

using UniquePkey = std::unique_ptr<EVP_PKEY, signature::PkeyDeleter>;
using UniqueBio = std::unique_ptr<BIO, signature::BioDeleter>;
using UniqueMdContext = std::unique_ptr<EVP_MD_CTX, signature::MdContextDeleter>;

constexpr std::size_t max_key_file_bytes = 256 * 1024;
constexpr int min_rsa_bits = 2048;  // sigstore's goodkey
constexpr int max_rsa_bits = 8192;  // bounds the cost of loading and signing

constexpr std::string_view sigstore_encrypted_type = "ENCRYPTED SIGSTORE PRIVATE KEY";
constexpr std::string_view cosign_encrypted_type = "ENCRYPTED COSIGN PRIVATE KEY";

std::string ecdsa_curve(EVP_PKEY* key) {
    char group[80] = {0};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1) return {};
    std::string_view name(group, length);
    if (name == "prime256v1" || name == "P-256") return "P-256";
    if (name == "secp384r1" || name == "P-384") return "P-384";
    if (name == "secp521r1" || name == "P-521") return "P-521";
    return {};
}

// "ECDSA P-256", "Ed25519", "RSA 3072"; throws for anything cosign would not sign with.
std::string supported_algorithm(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "EC")) {
        std::string curve = ecdsa_curve(key);
        if (curve.empty()) throw ConfigError("unsupported elliptic curve (supported: P-256, P-384, P-521)");
        return "ECDSA " + curve;
    }
    if (EVP_PKEY_is_a(key, "ED25519")) return "Ed25519";
    if (EVP_PKEY_is_a(key, "RSA")) {
        int bits = EVP_PKEY_get_bits(key);
        if (bits < min_rsa_bits || bits > max_rsa_bits)
            throw ConfigError("unsupported RSA key size " + std::to_string(bits) + " bits (supported: 2048 to 8192)");
        return "RSA " + std::to_string(bits);
    }
    const char* name = EVP_PKEY_get0_type_name(key);
    throw ConfigError(std::string("unsupported private key type ") + (name ? name : "(unknown)"));
}

// DER of one type, all of it (trailing bytes are an error, as in Go's parsers).
UniquePkey parse_der(std::string_view der, int type) {
    auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* end = cursor + der.size();
    EVP_PKEY* key = nullptr;
    if (type == EVP_PKEY_NONE) {
        std::unique_ptr<PKCS8_PRIV_KEY_INFO, signature::OpenSslFree<PKCS8_PRIV_KEY_INFO_free>> info(
            d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der.size())));
        if (info && cursor == end) key = EVP_PKCS82PKEY(info.get());
    } else {
        key = d2i_PrivateKey(type, nullptr, &cursor, static_cast<long>(der.size()));
        if (key && cursor != end) {
            EVP_PKEY_free(key);
            key = nullptr;
        }
    }
    return UniquePkey(key);
}

UniquePkey decrypt_cosign_key(std::string_view envelope, const std::function<std::string()>& password, std::string_view what) {
    if (!password) throw ConfigError(std::string(what) + " is encrypted and no password source was given");
    std::string secret = password();
    auto plaintext = open_cosign_envelope(envelope, secret, what);
    OPENSSL_cleanse(secret.data(), secret.size());
    if (!plaintext) throw ConfigError("wrong password for " + std::string(what) + " (the private key does not decrypt with it)");
    UniquePkey key = parse_der(*plaintext, EVP_PKEY_NONE);
    OPENSSL_cleanse(plaintext->data(), plaintext->size());
    if (!key) throw ConfigError(std::string(what) + ": the decrypted private key is not valid PKCS#8");
    return key;
}

UniquePkey key_from_pem_block(const signature::GoPemBlock& block, const std::function<std::string()>& password, std::string_view what) {
    const std::string where(what);
    if (block.type == sigstore_encrypted_type || block.type == cosign_encrypted_type) return decrypt_cosign_key(block.bytes, password, what);
    if (block.has_headers) throw ConfigError(where + ": PEM headers (OpenSSL's legacy key encryption) are not supported");
    int type = EVP_PKEY_NONE;
    if (block.type == "EC PRIVATE KEY") type = EVP_PKEY_EC;
    else if (block.type == "RSA PRIVATE KEY") type = EVP_PKEY_RSA;
    else if (block.type != "PRIVATE KEY")
        throw ConfigError(where + ": unsupported PEM block \"" + block.type.substr(0, 64) +
                          "\" (expected ENCRYPTED SIGSTORE PRIVATE KEY, ENCRYPTED COSIGN PRIVATE KEY, PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
    UniquePkey key = parse_der(block.bytes, type);
    if (!key) throw ConfigError(where + ": invalid " + block.type + " (the DER does not parse)");
    return key;
}

std::string sign_with(EVP_PKEY* key, const EVP_MD* hash, std::string_view data) {
    UniqueMdContext context(EVP_MD_CTX_new());
    std::size_t length = 0;
    auto* message = reinterpret_cast<const unsigned char*>(data.data());
    if (!context || EVP_DigestSignInit(context.get(), nullptr, hash, nullptr, key) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &length, message, data.size()) != 1)
        throw ConfigError("signing failed (OpenSSL could not set up the signature)");
    std::string signature(length, '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, message, data.size()) != 1)
        throw ConfigError("signing failed (OpenSSL)");
    signature.resize(length);
    return signature;
}

}  // namespace

SigningKey::SigningKey(EVP_PKEY* owned_key) : key_(owned_key, EVP_PKEY_free), algorithm_(supported_algorithm(owned_key)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::load(std::string_view pem, const std::function<std::string()>& password, std::string_view what) {
    const std::string where(what);
    if (pem.size() > max_key_file_bytes) throw ConfigError(where + ": a private key file is at most 256 KiB");
    std::string_view rest;
    auto block = signature::go_pem_decode(pem, rest);
    if (!block) throw ConfigError(where + ": no PEM block found (not a private key file?)");
    UniquePkey key = key_from_pem_block(*block, password, what);
    try {
        return SigningKey(key.release());
    } catch (const ConfigError& error) {
        throw ConfigError(where + ": " + error.what());
    }
}

std::string SigningKey::sign(std::string_view data) const {
    if (algorithm_ == "Ed25519") return sign_with(key_.get(), nullptr, data);
    if (algorithm_ == "ECDSA P-384") return sign_with(key_.get(), EVP_sha384(), data);
    if (algorithm_ == "ECDSA P-521") return sign_with(key_.get(), EVP_sha512(), data);
    return sign_with(key_.get(), EVP_sha256(), data);
}

std::string SigningKey::sign_sha256(std::string_view data) const {
    return sign_with(key_.get(), algorithm_ == "Ed25519" ? nullptr : EVP_sha256(), data);
}

std::string SigningKey::public_key_der() const {
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(key_.get(), &der);
    if (length <= 0) throw ConfigError("encoding the public key failed (OpenSSL)");
    std::string result(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return result;
}

std::string SigningKey::public_key_pem() const {
    UniqueBio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) throw ConfigError("encoding the public key as PEM failed (OpenSSL)");
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

std::string SigningKey::key_id_hint() const {
    return util::base64_encode(util::raw_digest(util::DigestAlgorithm::sha256, public_key_der()));
}

GeneratedKeyPair generate_cosign_key_pair(std::string_view password) {
    SigningKey key(EVP_EC_gen("P-256"));
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, signature::OpenSslFree<PKCS8_PRIV_KEY_INFO_free>> info(EVP_PKEY2PKCS8(key.key_.get()));
    unsigned char* der = nullptr;
    int length = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der) : -1;
    if (length <= 0) throw ConfigError("encoding the new private key as PKCS#8 failed (OpenSSL)");
    std::string pkcs8(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_clear_free(der, static_cast<std::size_t>(length));
    std::string envelope = seal_cosign_envelope(pkcs8, password);
    OPENSSL_cleanse(pkcs8.data(), pkcs8.size());
    UniqueBio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio(bio.get(), std::string(sigstore_encrypted_type).c_str(), "",
                              reinterpret_cast<const unsigned char*>(envelope.data()), static_cast<long>(envelope.size())) <= 0)
        throw ConfigError("encoding the encrypted private key as PEM failed (OpenSSL)");
    char* data = nullptr;
    long pem_length = BIO_get_mem_data(bio.get(), &data);
    return {std::string(data, static_cast<std::size_t>(pem_length)), key.public_key_pem()};
}

}  // namespace imgtrust::signing

namespace imgtrust {

CosignKeyPair generate_cosign_key_pair(std::string_view password) { return signing::generate_cosign_key_pair(password); }

}  // namespace imgtrust
