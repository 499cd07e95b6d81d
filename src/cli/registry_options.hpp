// Options shared by every command that talks to registries: one definition
// each, so that their names, help and meaning cannot drift apart.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "imgtrust/system_context.hpp"

namespace imgtrust::cli {

// The registry access options of the list commands (sign, validate).
struct RegistryAccessOptions {
    bool tls_verify = true;
    std::string tls_details, authfile, cert_dir, registries_d;
    int retry_times = 3;
};

// --tls-verify, --tls-details, --authfile, --cert-dir, --registries.d and
// --retry-times (0-20), in this order; only the --registries.d help differs
// between commands (what its configuration is used for).
void add_registry_access_options(CLI::App* command, RegistryAccessOptions& options,
                                 const std::string& registries_d_help);

// Copies the options into `system` (the auth file, certificate directory and
// registries.d only when given). --tls-details is read by apply_tls_details.
void apply_registry_access_options(const RegistryAccessOptions& options, SystemContext& system);

// --tls-details FILE (containers-tls-details.yaml(5)).
void add_tls_details_option(CLI::App* command, std::string& path);

// Reads --tls-details into system.tls_details (nothing when path is empty).
// A missing, malformed or unsupported file throws ConfigError (exit 2) before
// any connection is made; `debug`, when set, gets one line saying what applies.
void apply_tls_details(const std::string& path, SystemContext& system,
                       const std::function<void(const std::string&)>& debug);

}  // namespace imgtrust::cli
