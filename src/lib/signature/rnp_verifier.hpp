// The "rnp" OpenPGP engine: librnp, in-process (built only with IMGTRUST_HAVE_RNP).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "signature/openpgp_verifier.hpp"

namespace imgtrust::signature {

// Loads each blob into one in-memory RNP keyring; no file is written and no
// process is started. Throws ConfigError when RNP cannot be set up.
std::unique_ptr<OpenPgpVerifier> make_rnp_verifier(const std::vector<std::string>& key_blobs);

}  // namespace imgtrust::signature
