// The OpenPGP engines that verify simple signing (signedBy, GPG) signatures:
// "gpgme" (gpg processes, as c/image) and "rnp" (librnp, in-process), see
// docs/openpgp-engines.md. EvaluationOptions::openpgp_engine names one.
#pragma once

#include <string>
#include <vector>

#include "imgtrust/export.hpp"

namespace imgtrust {

// The engine names this build knows, in the order --help lists them
// ("gpgme", "rnp"), whether or not each was built in.
IMGTRUST_API std::vector<std::string> openpgp_engine_names();

// The engine that verifies when `requested` names it: `requested` itself, or
// for an empty name the default ("rnp" when built with RNP, else "gpgme").
// Throws ConfigError for an unknown engine or one not built in (-Drnp=disabled).
IMGTRUST_API std::string resolve_openpgp_engine(const std::string& requested);

}  // namespace imgtrust
