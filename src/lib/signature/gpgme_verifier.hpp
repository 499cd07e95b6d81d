// The "gpgme" OpenPGP engine: gpg through gpgme, as c/image's gpgme mechanism.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "signature/openpgp_verifier.hpp"

namespace imgtrust::signature {

// Imports each blob into a private GNUPGHOME (removed with the engine). Throws
// ConfigError when gpgme cannot be set up.
std::unique_ptr<OpenPgpVerifier> make_gpgme_verifier(const std::vector<std::string>& key_blobs);

}  // namespace imgtrust::signature
