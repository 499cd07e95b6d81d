// Options shared by every command that talks to registries: one definition
// each, so that their names, help and meaning cannot drift apart.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "imgtrust/system_context.hpp"

namespace imgtrust::cli {

// --tls-details FILE (containers-tls-details.yaml(5)).
void add_tls_details_option(CLI::App* command, std::string& path);

// Reads --tls-details into system.tls_details (nothing when path is empty).
// A missing, malformed or unsupported file throws ConfigError (exit 2) before
// any connection is made; `debug`, when set, gets one line saying what applies.
void apply_tls_details(const std::string& path, SystemContext& system,
                       const std::function<void(const std::string&)>& debug);

}  // namespace imgtrust::cli
