#include "cli/openpgp_engine_option.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "imgtrust/openpgp.hpp"

namespace imgtrust::cli {

void add_openpgp_engine_option(CLI::App& command, std::string& engine) {
    command.add_option("--openpgp-engine", engine,
                       "OpenPGP engine for signedBy (GPG) signatures: rnp (in-process, the default when built with "
                       "it) or gpgme (gpg processes, as c/image)")
        ->check(CLI::IsMember(openpgp_engine_names()));
}

void apply_openpgp_engine(const std::string& engine) {
    if (resolve_openpgp_engine(engine) != "rnp") return;
    static bool quieted = false;
    if (quieted) return;
    if (FILE* sink = std::fopen("/dev/null", "w")) {
        std::fflush(stderr);
        stderr = sink;  // C stdio only; std::cerr keeps its own handle on descriptor 2
        quieted = true;
    }
}

}  // namespace imgtrust::cli
