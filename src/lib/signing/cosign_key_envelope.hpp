// The password protection of cosign's private key files: the JSON envelope of
// go-securesystemslib's `encrypted` package, which cosign's marshalKeyPair and
// LoadPrivateKey use. {"kdf":{"name":"scrypt","params":{"N":…,"r":…,"p":…},
// "salt":B64},"cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}:
// scrypt derives a 32-byte key from the password and the salt; NaCl secretbox
// (XSalsa20-Poly1305, 24-byte nonce) seals the plaintext under it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::signing {

struct ScryptParameters {
    std::uint64_t n;
    std::uint32_t r;
    std::uint32_t p;
};

// go-securesystemslib's "standard" parameters, what cosign writes since v2.2
// (cosign before that wrote the "legacy" N=32768).
inline constexpr ScryptParameters cosign_scrypt_parameters{65536, 8, 1};

// "Decrypt … CheckParams": only the legacy (N=2^15), standard (2^16) and OWASP
// (2^17) parameter sets with r=8, p=1 are accepted, as go-securesystemslib
// does. That bounds what a hostile key file can make us spend on scrypt to
// 128 * r * N = 128 MiB of memory (and the matching time).
bool accepted_scrypt_parameters(const ScryptParameters& parameters);

// A fresh random salt (32 bytes) and nonce (24 bytes); returns the envelope JSON.
std::string seal_cosign_envelope(std::string_view plaintext, std::string_view password,
                                 const ScryptParameters& parameters = cosign_scrypt_parameters);

// The plaintext, or nullopt when the secretbox does not open (a wrong password,
// or a ciphertext that was altered). Throws ConfigError naming `what` for an
// envelope that is malformed, too large, or names another KDF, cipher or
// scrypt parameters.
std::optional<std::string> open_cosign_envelope(std::string_view untrusted_envelope, std::string_view password,
                                                std::string_view what);

}  // namespace imgtrust::signing
