#include "signing/gpg_signer.hpp"

#include "imgtrust/errors.hpp"

namespace imgtrust::signing {

std::string gpg_sign_payload(std::string_view, std::string_view, const std::optional<std::string>&) {
    throw ConfigError("GPG signing is being implemented");
}

}  // namespace imgtrust::signing
