// containers-registries.d(5): where signatures of docker:// images live.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_roots.hpp"
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
    std::vector<std::string> directories;  // searched, highest priority first (for --debug)
    std::vector<std::string> files;        // merged, in the order read (for --debug)
};

// c/image v5.40's loadRegistryConfiguration: the *.yaml drop-in files of
// --registries.d alone when given; else of config::drop_in_directories(roots,
// "registries") (per-user registries.d; /etc/containers/registries.rootless.d/<UID>
// and registries.rootless.d, or registries.rootful.d; /etc/containers/registries.d;
// the same under /usr/share/containers), a file masking a same-named file of
// lower priority, read in name order. Missing directories are empty. Invalid
// YAML, an unreadable directory or file, or a scope or default-docker defined
// in two files throw ConfigError naming the file(s).
RegistriesDirectory load_registries_d(const std::optional<std::string>& explicit_dir);
RegistriesDirectory load_registries_d_in(const std::optional<std::string>& explicit_dir, const ConfigRoots& roots);

// The files of `directory` alone, merged (what --registries.d reads).
RegistriesDirectory load_registries_d_from(const std::string& directory);

// "registries.d files a, b (searched: d1, d2, ...)", for --debug.
std::string describe_sources(const RegistriesDirectory& config);

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
