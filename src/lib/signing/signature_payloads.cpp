#include "signing/signature_payloads.hpp"

#include "imgtrust/errors.hpp"

namespace imgtrust::signing {

std::string make_cosign_payload(const std::string&, const util::Digest&) { throw ConfigError("being implemented"); }
std::string make_atomic_payload(const std::string&, const util::Digest&, std::int64_t) { throw ConfigError("being implemented"); }
std::string make_cosign_sign_statement(const std::string&, const util::Digest&) { throw ConfigError("being implemented"); }
std::string make_image_bundle(const SigningKey&, const std::string&, const util::Digest&) { throw ConfigError("being implemented"); }

}  // namespace imgtrust::signing
