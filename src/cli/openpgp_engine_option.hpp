// --openpgp-engine gpgme|rnp, shared by verify and validate.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace imgtrust::cli {

// Adds --openpgp-engine to `command`, storing the name in `engine` (empty: the default).
void add_openpgp_engine_option(CLI::App& command, std::string& engine);

// Checks the engine named on the command line (ConfigError, exit 2, for one
// not built in) and prepares the process for it: Debian's librnp writes its
// debug log to C stdio's stderr and offers no switch, so with RNP that stream
// is pointed at /dev/null. imgtrust's own messages go through std::cerr, which
// keeps writing to file descriptor 2.
void apply_openpgp_engine(const std::string& engine);

}  // namespace imgtrust::cli
