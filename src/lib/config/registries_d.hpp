// containers-registries.d(5): where signatures of docker:// images live.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "imgtrust/reference.hpp"

namespace imgtrust::config {

struct RegistryNamespaceConfig {
    std::optional<std::string> lookaside;          // "lookaside", or the deprecated "sigstore"
    std::optional<std::string> lookaside_staging;  // write-only; parsed, unused for reading
    std::optional<bool> use_sigstore_attachments;
};

struct RegistriesDirectory {
    std::optional<RegistryNamespaceConfig> default_docker;
    std::map<std::string, RegistryNamespaceConfig> docker;  // scope -> config
    std::string directory;                                   // which directory was read (for --debug)
};

// Reads every *.yaml file of the directory: --registries.d if given, else
// $HOME/.config/containers/registries.d if it exists (it replaces the system
// one), else /etc/containers/registries.d. A missing directory is empty
// config. Unknown keys, invalid YAML, or a scope defined twice (across files)
// throw ConfigError naming the file.
RegistriesDirectory load_registries_d(const std::optional<std::string>& explicit_dir);

// The most specific matching section for ref (full reference, repository,
// parent namespaces, host; then default-docker), as c/image picks it.
struct SignatureStorage {
    std::optional<std::string> lookaside;  // base URL (file://, http://, https://); the built-in default if nothing is configured
    bool use_sigstore_attachments = false;
    std::string matched_scope;             // for --debug
};
SignatureStorage signature_storage_for(const RegistriesDirectory& config, const DockerReference& ref);

}  // namespace imgtrust::config
