#include "cli/openpgp_engine_option.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "signature/openpgp_verifier.hpp"

namespace imgtrust::cli {

void add_openpgp_engine_option(CLI::App& command, std::string& engine) {
    command.add_option("--openpgp-engine", engine,
                       "OpenPGP engine for signedBy (GPG) signatures: rnp (in-process, the default when built with "
                       "it) or gpgme (gpg processes, as c/image)")
        ->check(CLI::IsMember({"gpgme", "rnp"}));
}

void apply_openpgp_engine(const std::string& engine) {
    signature::check_openpgp_engine(engine);
    const std::string_view chosen = engine.empty() ? signature::default_openpgp_engine() : std::string_view(engine);
    if (chosen != signature::openpgp_engine_rnp) return;
    static bool quieted = false;
    if (quieted) return;
    if (FILE* sink = std::fopen("/dev/null", "w")) {
        std::fflush(stderr);
        stderr = sink;  // C stdio only; std::cerr keeps its own handle on descriptor 2
        quieted = true;
    }
}

}  // namespace imgtrust::cli
