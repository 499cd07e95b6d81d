// Public keys for sigstoreSigned, loaded and used through OpenSSL 3.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace imgtrust::signature {

class PublicKey {
public:
    explicit PublicKey(EVP_PKEY* owned_key);  // takes ownership
    const std::string& fingerprint() const { return fingerprint_; }   // "SHA256:<hex of DER SubjectPublicKeyInfo>"
    const std::string& algorithm() const { return algorithm_; }       // "ECDSA P-256", "RSA 2048", "Ed25519", ...
    // Verifies a raw (already base64-decoded) signature over message, as
    // cosign / sigstore LoadVerifier do: ECDSA (ASN.1 DER) with SHA-256 for every
    // curve, RSA PKCS#1 v1.5 with SHA-256, Ed25519 over the message itself.
    bool verify(std::string_view message, std::string_view raw_signature) const;
    // ecdsa.VerifyASN1 over an already computed digest (Rekor SETs); false for non-ECDSA keys.
    bool verify_digest(std::string_view digest, std::string_view der_signature) const;
    bool is_ecdsa() const { return algorithm_.rfind("ECDSA", 0) == 0; }
    // The DER SubjectPublicKeyInfo, as cryptoutils.MarshalPublicKeyToPEM encodes the key.
    std::string subject_public_key_info_der() const;

private:
    std::shared_ptr<EVP_PKEY> key_;
    std::string fingerprint_;
    std::string algorithm_;
};

// Loads every PEM "PUBLIC KEY" block in pem_text (ECDSA P-256/384/521, RSA,
// Ed25519). Throws ConfigError naming `origin` if there is none or one is invalid.
std::vector<PublicKey> load_public_keys_pem(std::string_view pem_text, const std::string& origin);

}  // namespace imgtrust::signature
