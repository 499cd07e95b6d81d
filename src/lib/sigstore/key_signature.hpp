// Signatures by the keys Sigstore uses, with the hash its algorithm registry
// (protobuf-specs PublicKeyDetails, sigstore-go's default algorithm details)
// pairs with each key: ECDSA P-256 with SHA-256, P-384 with SHA-384, P-521
// with SHA-512, RSA PKCS#1 v1.5 with SHA-256, Ed25519 over the message itself.
#pragma once

#include <optional>
#include <string_view>

#include "signature/public_key.hpp"
#include "util/digest.hpp"

namespace imgtrust::sigstore {

// nullopt for Ed25519, which hashes internally and cannot verify a digest.
std::optional<util::DigestAlgorithm> default_hash_for(const signature::PublicKey& key);

// The signature over `message` with the key's default hash.
bool verify_message(const signature::PublicKey& key, std::string_view message, std::string_view raw_signature);

// The signature over an already computed `digest` (made with `algorithm`):
// what a verifier given only the artifact's digest can check. Always false for Ed25519.
bool verify_prehashed(const signature::PublicKey& key, util::DigestAlgorithm algorithm, std::string_view digest,
                      std::string_view raw_signature);

}  // namespace imgtrust::sigstore
