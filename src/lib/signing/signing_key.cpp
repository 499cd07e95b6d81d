#include "signing/signing_key.hpp"

#include <openssl/evp.h>

#include "imgtrust/errors.hpp"

namespace imgtrust::signing {

SigningKey::SigningKey(EVP_PKEY* owned_key) : key_(owned_key, EVP_PKEY_free) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::load(std::string_view, const std::function<std::string()>&, std::string_view what) {
    throw ConfigError("cannot load " + std::string(what) + ": key loading is being implemented");
}
std::string SigningKey::sign(std::string_view) const { throw ConfigError("signing is being implemented"); }
std::string SigningKey::public_key_pem() const { throw ConfigError("signing is being implemented"); }
std::string SigningKey::public_key_der() const { throw ConfigError("signing is being implemented"); }
std::string SigningKey::key_id_hint() const { throw ConfigError("signing is being implemented"); }
GeneratedKeyPair generate_cosign_key_pair(std::string_view) { throw ConfigError("key generation is being implemented"); }

}  // namespace imgtrust::signing
