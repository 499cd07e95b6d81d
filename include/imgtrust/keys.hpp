// Cosign signing keys: generating a key pair as `cosign generate-key-pair`
// writes it. (Loading a key to sign with belongs to imgtrust/sign.hpp.)
#pragma once

#include <string>
#include <string_view>

#include "imgtrust/export.hpp"

namespace imgtrust {

// A cosign key pair, PEM-encoded, ready to be written to PREFIX.key and PREFIX.pub.
struct CosignKeyPair {
    std::string encrypted_private_pem;  // "ENCRYPTED SIGSTORE PRIVATE KEY"
    std::string public_pem;             // "PUBLIC KEY" (SubjectPublicKeyInfo)
};

// A fresh ECDSA P-256 key, encrypted with `password` as cosign >= 2.2 does:
// PKCS#8 DER sealed in the go-securesystemslib envelope (scrypt N=65536 r=8
// p=1, 32-byte salt, NaCl secretbox). The password may be empty, as in cosign.
// Throws ConfigError when OpenSSL or libsodium fails.
IMGTRUST_API CosignKeyPair generate_cosign_key_pair(std::string_view password);

}  // namespace imgtrust
