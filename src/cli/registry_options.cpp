#include "cli/registry_options.hpp"

#include <memory>

#include "imgtrust/tls.hpp"

namespace imgtrust::cli {

void add_tls_details_option(CLI::App* command, std::string& path) {
    command->add_option("--tls-details", path,
                        "containers-tls-details.yaml(5) file: minimum TLS version, cipher suites and groups "
                        "for every registry connection");
}

void add_registry_access_options(CLI::App* command, RegistryAccessOptions& options,
                                 const std::string& registries_d_help) {
    command->add_option("--tls-verify", options.tls_verify, "Require HTTPS and verify certificates")->capture_default_str();
    add_tls_details_option(command, options.tls_details);
    command->add_option("--authfile", options.authfile, "Path of the authentication file (containers-auth.json)");
    command->add_option("--cert-dir", options.cert_dir, "Directory of certificates (*.crt, *.cert, *.key) for the registry");
    command->add_option("--registries.d", options.registries_d, registries_d_help);
    command->add_option("--retry-times", options.retry_times, "Retries on 429/5xx/transport errors")
        ->check(CLI::Range(0, 20))
        ->capture_default_str();
}

void apply_registry_access_options(const RegistryAccessOptions& options, SystemContext& system) {
    if (!options.authfile.empty()) system.auth_file = options.authfile;
    if (!options.cert_dir.empty()) system.cert_dir = options.cert_dir;
    if (!options.registries_d.empty()) system.registries_d = options.registries_d;
    system.tls_verify = options.tls_verify;
    system.retry_times = options.retry_times;
}

void apply_tls_details(const std::string& path, SystemContext& system,
                       const std::function<void(const std::string&)>& debug) {
    if (path.empty()) return;
    system.tls_details = load_tls_details_file(path);
    if (debug) debug(describe_tls_details(*system.tls_details));
}

}  // namespace imgtrust::cli
