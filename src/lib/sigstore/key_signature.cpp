#include "sigstore/key_signature.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "signature/openssl_handles.hpp"

namespace imgtrust::sigstore {
namespace {

using signature::PkeyDeleter;
using signature::PkeyContextDeleter;

// signature::PublicKey keeps its EVP_PKEY private; its DER form is the exchange format.
std::unique_ptr<EVP_PKEY, PkeyDeleter> openssl_key(const signature::PublicKey& key) {
    std::string der = key.subject_public_key_info_der();
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size())));
    ERR_clear_error();
    return pkey;
}

const char* digest_name(util::DigestAlgorithm algorithm) {
    switch (algorithm) {
        case util::DigestAlgorithm::sha256: return "SHA256";
        case util::DigestAlgorithm::sha384: return "SHA384";
        case util::DigestAlgorithm::sha512: return "SHA512";
    }
    return "SHA256";
}

}  // namespace

std::optional<util::DigestAlgorithm> default_hash_for(const signature::PublicKey& key) {
    const std::string& algorithm = key.algorithm();
    if (algorithm == "Ed25519") return std::nullopt;
    if (algorithm == "ECDSA P-384") return util::DigestAlgorithm::sha384;
    if (algorithm == "ECDSA P-521") return util::DigestAlgorithm::sha512;
    return util::DigestAlgorithm::sha256;
}

bool verify_message(const signature::PublicKey& key, std::string_view message, std::string_view raw_signature) {
    auto hash = default_hash_for(key);
    if (!hash || *hash == util::DigestAlgorithm::sha256) return key.verify(message, raw_signature);
    return verify_prehashed(key, *hash, util::raw_digest(*hash, message), raw_signature);
}

bool verify_prehashed(const signature::PublicKey& key, util::DigestAlgorithm algorithm, std::string_view digest,
                      std::string_view raw_signature) {
    if (key.algorithm().empty() || key.algorithm() == "Ed25519") return false;
    if (digest.size() != util::digest_hex_length(algorithm) / 2) return false;
    auto pkey = openssl_key(key);
    if (!pkey) return false;
    std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter> context(EVP_PKEY_CTX_new(pkey.get(), nullptr));
    bool ready = context && EVP_PKEY_verify_init(context.get()) == 1;
    if (ready && EVP_PKEY_is_a(pkey.get(), "RSA")) {
        ready = EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING) == 1 &&
                EVP_PKEY_CTX_set_signature_md(context.get(), EVP_get_digestbyname(digest_name(algorithm))) == 1;
    }
    int result = ready ? EVP_PKEY_verify(context.get(), reinterpret_cast<const unsigned char*>(raw_signature.data()), raw_signature.size(),
                                         reinterpret_cast<const unsigned char*>(digest.data()), digest.size())
                       : 0;
    ERR_clear_error();
    return result == 1;
}

}  // namespace imgtrust::sigstore
