// Public keys for sigstoreSigned, as c/image loads them
// (cryptoutils.UnmarshalPEMToPublicKey) and verifies with them (sigstore's
// LoadVerifier with the SHA-256 hash c/image hard-codes).
#include "signature/public_key.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "imgtrust/errors.hpp"
#include "signature/openssl_handles.hpp"
#include "util/bytes.hpp"

namespace imgtrust::signature {
namespace {

struct OpensslDeleter {
    void operator()(void* memory) const { OPENSSL_free(memory); }
};
using UniquePkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// The curve names Go's x509.ParsePKIXPublicKey accepts, as OpenSSL names them.
std::string ecdsa_curve_name(EVP_PKEY* key) {
    char group[80] = {0};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1) return {};
    std::string name(group, length);
    if (name == "prime256v1" || name == "P-256") return "P-256";
    if (name == "secp384r1" || name == "P-384") return "P-384";
    if (name == "secp521r1" || name == "P-521") return "P-521";
    if (name == "secp224r1" || name == "P-224") return "P-224";
    return {};
}

// "ECDSA P-256", "RSA 2048", "Ed25519"; empty if sigstore cannot verify with it.
std::string supported_algorithm(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "EC")) {
        std::string curve = ecdsa_curve_name(key);
        return curve.empty() ? std::string() : "ECDSA " + curve;
    }
    if (EVP_PKEY_is_a(key, "RSA")) return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    if (EVP_PKEY_is_a(key, "ED25519")) return "Ed25519";
    return {};
}

std::string describe_key_type(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "EC")) return "ECDSA key on an unsupported elliptic curve";
    const char* name = EVP_PKEY_get0_type_name(key);
    return std::string("unsupported public key type ") + (name ? name : "(unknown)");
}

std::string der_subject_public_key_info(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(key, &der);
    if (length <= 0) throw ConfigError("encoding a public key as SubjectPublicKeyInfo failed");
    std::unique_ptr<unsigned char, OpensslDeleter> owned(der);
    return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
}

// One PEM block's DER as a key: "PUBLIC KEY" (SPKI) or "RSA PUBLIC KEY" (PKCS#1).
UniquePkey decode_key_block(const std::string& block_type, const unsigned char* der, long length, const std::string& where) {
    const unsigned char* cursor = der;
    EVP_PKEY* key = nullptr;
    if (block_type == "PUBLIC KEY")
        key = d2i_PUBKEY(nullptr, &cursor, length);
    else if (block_type == "RSA PUBLIC KEY")
        key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, length);
    else
        throw ConfigError(where + ": unknown Public key PEM file type: " + block_type + ". Are you passing the correct public key?");
    UniquePkey owned(key);
    if (!owned) throw ConfigError(where + ": invalid " + block_type + " data");
    if (cursor != der + length) throw ConfigError(where + ": trailing data after the ASN.1 of the public key");
    return owned;
}

struct PemBlock {
    std::string type;
    std::string der;
};

// Reads the next PEM block; nullopt at the end. Text outside blocks is ignored, as Go's pem.Decode does.
std::optional<PemBlock> next_pem_block(BIO* bio, const std::string& origin) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    ERR_clear_error();
    if (PEM_read_bio(bio, &name, &header, &data, &length) != 1) {
        unsigned long error = ERR_peek_last_error();
        ERR_clear_error();
        if (ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE) return std::nullopt;
        throw ConfigError(origin + ": invalid PEM data");
    }
    std::unique_ptr<char, OpensslDeleter> owned_name(name), owned_header(header);
    std::unique_ptr<unsigned char, OpensslDeleter> owned_data(data);
    return PemBlock{name, std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length))};
}

}  // namespace

PublicKey::PublicKey(EVP_PKEY* owned_key) : key_(owned_key, EVP_PKEY_free) {
    algorithm_ = supported_algorithm(owned_key);
    fingerprint_ = "SHA256:" + util::sha256_hex(der_subject_public_key_info(owned_key));
}

bool PublicKey::verify(std::string_view message, std::string_view raw_signature) const {
    if (algorithm_.empty()) return false;
    const bool is_ed25519 = algorithm_ == "Ed25519";
    // Go's rsa.VerifyPKCS1v15 requires the signature to be exactly as long as the modulus.
    if (algorithm_.rfind("RSA", 0) == 0 && raw_signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key_.get())))
        return false;
    std::unique_ptr<EVP_MD_CTX, MdContextDeleter> context(EVP_MD_CTX_new());
    if (!context) return false;
    // Ed25519 signs the message itself; ECDSA and RSA sign its SHA-256, whatever the curve or key size.
    const char* digest_name = is_ed25519 ? nullptr : "SHA256";
    if (EVP_DigestVerifyInit_ex(context.get(), nullptr, digest_name, nullptr, nullptr, key_.get(), nullptr) != 1) {
        ERR_clear_error();
        return false;
    }
    int result = EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(raw_signature.data()), raw_signature.size(),
                                  reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();
    return result == 1;
}

bool PublicKey::verify_digest(std::string_view digest, std::string_view der_signature) const {
    if (!is_ecdsa()) return false;
    std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX*)> context(EVP_PKEY_CTX_new(key_.get(), nullptr), EVP_PKEY_CTX_free);
    int result = context && EVP_PKEY_verify_init(context.get()) == 1
                     ? EVP_PKEY_verify(context.get(), reinterpret_cast<const unsigned char*>(der_signature.data()), der_signature.size(),
                                       reinterpret_cast<const unsigned char*>(digest.data()), digest.size())
                     : 0;
    ERR_clear_error();
    return result == 1;
}

std::string PublicKey::subject_public_key_info_der() const { return der_subject_public_key_info(key_.get()); }

std::vector<PublicKey> load_public_keys_pem(std::string_view pem_text, const std::string& origin) {
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem_text.data(), static_cast<int>(pem_text.size())));
    if (!bio) throw ConfigError(origin + ": cannot read public key data");
    std::vector<PublicKey> keys;
    while (auto block = next_pem_block(bio.get(), origin)) {
        std::string where = origin + " (key " + std::to_string(keys.size() + 1) + ")";
        UniquePkey key = decode_key_block(block->type, reinterpret_cast<const unsigned char*>(block->der.data()),
                                          static_cast<long>(block->der.size()), where);
        if (supported_algorithm(key.get()).empty()) throw ConfigError(where + ": " + describe_key_type(key.get()));
        keys.emplace_back(key.release());
    }
    if (keys.empty()) throw ConfigError(origin + ": PEM decoding failed: no public key found");
    return keys;
}

}  // namespace imgtrust::signature
