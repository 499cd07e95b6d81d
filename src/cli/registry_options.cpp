#include "cli/registry_options.hpp"

#include <memory>

#include "config/tls_details.hpp"

namespace imgtrust::cli {

void add_tls_details_option(CLI::App* command, std::string& path) {
    command->add_option("--tls-details", path,
                        "containers-tls-details.yaml(5) file: minimum TLS version, cipher suites and groups "
                        "for every registry connection");
}

void apply_tls_details(const std::string& path, SystemContext& system,
                       const std::function<void(const std::string&)>& debug) {
    if (path.empty()) return;
    system.tls_details = std::make_shared<const config::TlsDetails>(config::load_tls_details_file(path));
    if (debug) debug(config::describe_tls_details(*system.tls_details));
}

}  // namespace imgtrust::cli
