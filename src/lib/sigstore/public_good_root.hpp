// The Sigstore public-good instance's trusted root, embedded at build time
// from data/sigstore/public-good-trusted-root.json (see data/sigstore/PROVENANCE).
#pragma once

#include <string_view>

#include "sigstore/trust_material.hpp"

namespace imgtrust::sigstore {

// The embedded trusted_root.json bytes (generated source).
std::string_view embedded_public_good_trusted_root();

// Parsed once per process and shared read-only. Throws ConfigError only if
// the embedded file does not parse (a build defect).
const TrustedRoot& public_good_trusted_root();

}  // namespace imgtrust::sigstore
