// Private keys imgtrust signs with: cosign's encrypted key files and plain PEM
// private keys, held as an OpenSSL EVP_PKEY. The library never prompts: the
// caller supplies the password through a callback (src/cli/password_prompt.hpp).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "imgtrust/keys.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace imgtrust::signing {

using GeneratedKeyPair = CosignKeyPair;  // the public type (imgtrust/keys.hpp)

class SigningKey {
public:
    // pem: a cosign encrypted key ("ENCRYPTED SIGSTORE PRIVATE KEY", or the older
    // "ENCRYPTED COSIGN PRIVATE KEY": scrypt KDF + NaCl secretbox JSON envelope
    // around PKCS#8 DER) — `password` is called once, only for encrypted keys —
    // or a plain PEM private key (PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY",
    // PKCS#1 "RSA PRIVATE KEY"). Supported: ECDSA P-256/P-384/P-521, Ed25519,
    // RSA of 2048 to 8192 bits.
    // Throws ConfigError naming `what` (e.g. the key file); a wrong password
    // says "wrong password for <what>".
    static SigningKey load(std::string_view pem, const std::function<std::string()>& password, std::string_view what);

    // Takes ownership of a supported private key (throws ConfigError otherwise).
    explicit SigningKey(EVP_PKEY* owned_key);
    SigningKey(SigningKey&&) noexcept;
    SigningKey& operator=(SigningKey&&) noexcept;
    SigningKey(const SigningKey&) = delete;
    SigningKey& operator=(const SigningKey&) = delete;
    ~SigningKey();

    // The raw signature over `data`, as cosign's signer for the key type makes
    // it: ECDSA P-256 with SHA-256 / P-384 with SHA-384 (ASN.1 DER), Ed25519
    // over the data itself, RSA PKCS#1 v1.5 with SHA-256.
    // Use it for Sigstore bundles (sigstore-go and this repo's bundle verifier
    // pair P-384 with SHA-384).
    std::string sign(std::string_view data) const;
    // The same with SHA-256 for every ECDSA curve (and RSA; Ed25519 stays pure):
    // what c/image's sigstoreSigned verifies for cosign's legacy .sig format
    // (LoadVerifier with its hard-coded SHA-256), and so imgtrust's
    // signature::PublicKey::verify. Use it for the simple-signing payload; for
    // P-256 keys it equals sign().
    std::string sign_sha256(std::string_view data) const;
    // The SubjectPublicKeyInfo PEM ("PUBLIC KEY"), as cosign writes cosign.pub.
    std::string public_key_pem() const;
    // The DER SubjectPublicKeyInfo.
    std::string public_key_der() const;
    // What cosign v3 / sigstore-go put in a bundle's verificationMaterial.publicKey.hint:
    // base64 (standard, padded) of SHA-256 over the DER SubjectPublicKeyInfo.
    std::string key_id_hint() const;
    // "ECDSA P-256", "ECDSA P-384", "Ed25519", "RSA 3072", ...
    const std::string& algorithm() const { return algorithm_; }

private:
    friend GeneratedKeyPair generate_cosign_key_pair(std::string_view password);
    std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key_;
    std::string algorithm_;
};

// A fresh ECDSA P-256 key, encrypted as cosign generate-key-pair does: PKCS#8
// DER in the cosign_key_envelope.hpp envelope (scrypt N=65536 r=8 p=1, what
// cosign >= 2.2 writes; 32-byte salt; secretbox with a 24-byte nonce), PEM
// type "ENCRYPTED SIGSTORE PRIVATE KEY".
GeneratedKeyPair generate_cosign_key_pair(std::string_view password);

}  // namespace imgtrust::signing
