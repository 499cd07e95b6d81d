// containers-registries.d(5): where signatures of docker:// images live.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/reference.hpp"

namespace imgtrust::config {

struct RegistryNamespaceConfig {
    std::optional<std::string> lookaside;          // "lookaside", or the deprecated "sigstore" (non-empty values only)
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

// The directory load_registries_d reads, for a given home directory.
std::string registries_d_directory(const std::optional<std::string>& explicit_dir, const std::string& home_dir);

// Reads and merges every *.yaml file of `directory` (missing: empty config).
RegistriesDirectory load_registries_d_from(const std::string& directory);

// The most specific matching section for ref (full reference, repository,
// parent namespaces, host; then default-docker), as c/image picks it.
struct SignatureStorage {
    std::optional<std::string> lookaside;  // base URL (file://, http://, https://); the built-in default if nothing is configured
    bool use_sigstore_attachments = false;
    std::string matched_scope;             // for --debug: where the lookaside came from
    std::string attachments_scope;         // for --debug: where use-sigstore-attachments came from
};
SignatureStorage signature_storage_for(const RegistriesDirectory& config, const DockerReference& ref);

// The built-in lookaside when no section names one: file:///var/lib/containers/sigstore
// for root (euid 0), else file://$HOME/.local/share/containers/sigstore.
std::string builtin_default_lookaside(unsigned effective_uid, const std::string& home_dir);

// c/image's docker/policyconfiguration naming, shared by docker:// policy
// scopes and registries.d lookups. The identity is name:tag or name@digest
// (throws InvalidReferenceError for a name-only reference or for one with both).
std::string docker_reference_identity(const DockerReference& ref);

}  // namespace imgtrust::config
