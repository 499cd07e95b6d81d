// containers-registries.d(5), read as c/image v5.40's docker/registries_d.go
// reads it: the *.yaml drop-in files configfile finds, merged; a scope defined
// twice is an error; and the lookaside and use-sigstore-attachments of the most
// specific scope that sets them.
#include "config/registries_d.hpp"

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <set>

#include <yaml-cpp/yaml.h>

#include "imgtrust/errors.hpp"
#include "reference/policy_scopes.hpp"
#include "util/bytes.hpp"
#include "util/home_directory.hpp"
#include "util/untrusted_yaml.hpp"

namespace imgtrust::config {
namespace {

constexpr std::string_view root_default_lookaside_dir = "/var/lib/containers/sigstore";
constexpr std::string_view user_default_lookaside_dir = ".local/share/containers/sigstore";
constexpr std::size_t max_config_file_bytes = 4 * 1024 * 1024;

// A YAML decoding problem, turned into ConfigError naming the file by the caller.
class YamlShapeError : public std::runtime_error {
public:
    YamlShapeError(const YAML::Node& node, const std::string& message)
        : std::runtime_error("line " + std::to_string(node.Mark().line + 1) + ": " + message) {}
};

// Calls visit(key, value) for each entry of a mapping, refusing duplicate keys
// as yaml.v3 does ("mapping key ... already defined").
void for_each_entry(const YAML::Node& mapping, const std::string& type_name,
                    const std::function<void(const std::string&, const YAML::Node&)>& visit) {
    if (!mapping.IsMap()) throw YamlShapeError(mapping, "cannot unmarshal a non-mapping value into " + type_name);
    std::set<std::string> seen;
    for (const auto& entry : mapping) {
        if (!entry.first.IsScalar() && !entry.first.IsNull())
            throw YamlShapeError(entry.first, "a mapping key in " + type_name + " is not a string");
        const std::string key = entry.first.IsNull() ? std::string() : entry.first.Scalar();
        if (!seen.insert(key).second)
            throw YamlShapeError(entry.first, "mapping key \"" + key + "\" already defined");
        visit(key, entry.second);
    }
}

// A string field: any scalar is taken as written, null leaves it empty.
std::string decode_string(const YAML::Node& value, const std::string& field) {
    if (value.IsNull()) return {};
    if (!value.IsScalar()) throw YamlShapeError(value, "cannot unmarshal a non-scalar value into string field " + field);
    return value.Scalar();
}

// A *bool field as yaml.v3 decodes it: YAML 1.2 booleans when unquoted, plus
// the YAML 1.1 spellings (y, yes, on, n, no, off, ...); null leaves it unset.
std::optional<bool> decode_bool(const YAML::Node& value, const std::string& field) {
    if (value.IsNull()) return std::nullopt;
    if (!value.IsScalar()) throw YamlShapeError(value, "cannot unmarshal a non-scalar value into bool field " + field);
    const std::string& text = value.Scalar();
    const bool plain = value.Tag() == "?";
    static const std::set<std::string> yaml12_true{"true", "True", "TRUE"}, yaml12_false{"false", "False", "FALSE"};
    static const std::set<std::string> yaml11_true{"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"};
    static const std::set<std::string> yaml11_false{"n", "N", "no", "No", "NO", "off", "Off", "OFF"};
    if (plain && yaml12_true.count(text)) return true;
    if (plain && yaml12_false.count(text)) return false;
    if (yaml11_true.count(text)) return true;
    if (yaml11_false.count(text)) return false;
    throw YamlShapeError(value, "cannot unmarshal \"" + text + "\" into bool field " + field);
}

// One configuration section. "lookaside" wins over the deprecated "sigstore"
// (and likewise for the staging keys); empty values count as unset.
RegistryNamespaceConfig decode_section(const YAML::Node& node) {
    RegistryNamespaceConfig section;
    if (node.IsNull()) return section;
    std::string lookaside, staging, sigstore, sigstore_staging;
    for_each_entry(node, "registryNamespace", [&](const std::string& key, const YAML::Node& value) {
        if (key == "lookaside") lookaside = decode_string(value, key);
        else if (key == "lookaside-staging") staging = decode_string(value, key);
        else if (key == "sigstore") sigstore = decode_string(value, key);
        else if (key == "sigstore-staging") sigstore_staging = decode_string(value, key);
        else if (key == "use-sigstore-attachments") section.use_sigstore_attachments = decode_bool(value, key);
        // c/image reads registries.d with yaml.v3's plain Unmarshal: unknown keys
        // are ignored, not errors (skopeo 1.9.3 and current c/image agree).
    });
    if (!lookaside.empty()) section.lookaside = lookaside;
    else if (!sigstore.empty()) section.lookaside = sigstore;
    if (!staging.empty()) section.lookaside_staging = staging;
    else if (!sigstore_staging.empty()) section.lookaside_staging = sigstore_staging;
    return section;
}

struct ConfigFile {
    std::optional<RegistryNamespaceConfig> default_docker;
    std::vector<std::pair<std::string, RegistryNamespaceConfig>> docker;
};

ConfigFile decode_config_file(const std::string& text) {
    ConfigFile file;
    const YAML::Node root = util::load_untrusted_yaml(text, {max_config_file_bytes, util::max_yaml_depth});
    if (root.IsNull()) return file;
    for_each_entry(root, "registryConfiguration", [&](const std::string& key, const YAML::Node& value) {
        if (key == "default-docker") {
            // A null section is a nil pointer in c/image: as if absent.
            file.default_docker = value.IsNull() ? std::nullopt : std::optional(decode_section(value));
        } else if (key == "docker") {
            file.docker.clear();
            if (value.IsNull()) return;
            for_each_entry(value, "docker", [&](const std::string& scope, const YAML::Node& section) {
                file.docker.emplace_back(scope, decode_section(section));
            });
        }
        // Unknown top-level keys are ignored, as c/image's yaml.Unmarshal does.
    });
    return file;
}

// util::read_file_bounded with a refused file as ConfigError; nullopt when the
// file vanished after listing (configfile ignores ENOENT there).
std::optional<std::string> read_config_file(const std::string& path) {
    try {
        return util::read_file_bounded(path, max_config_file_bytes, "registries.d file");
    } catch (const FetchError& error) {
        throw ConfigError(error.what());
    }
}

ConfigFile decode_named(const std::string& path, const std::string& text) {
    try {
        return decode_config_file(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError("parsing " + path + ": " + e.what());
    } catch (const YamlShapeError& e) {
        throw ConfigError("parsing " + path + ": " + e.what());
    } catch (const util::YamlLimitError& e) {
        throw ConfigError("parsing " + path + ": " + e.what());
    }
}

void merge_file(RegistriesDirectory& merged, std::string& default_from, std::map<std::string, std::string>& scope_from,
                const std::string& path) {
    const std::optional<std::string> text = read_config_file(path);
    if (!text) return;
    ConfigFile file = decode_named(path, *text);
    merged.files.push_back(path);
    if (file.default_docker) {
        if (merged.default_docker)
            throw ConfigError("Error parsing signature storage configuration: \"default-docker\" defined both in \"" +
                              default_from + "\" and \"" + path + "\"");
        merged.default_docker = std::move(file.default_docker);
        default_from = path;
    }
    for (auto& [scope, section] : file.docker) {
        const auto [existing, inserted] = scope_from.emplace(scope, path);
        if (!inserted)
            throw ConfigError("Error parsing signature storage configuration: \"docker\" namespace \"" + scope +
                              "\" defined both in \"" + existing->second + "\" and \"" + path + "\"");
        merged.docker.emplace(scope, std::move(section));
    }
}

RegistriesDirectory merge_directories(std::vector<std::string> directories) {
    RegistriesDirectory merged;
    std::string default_from;
    std::map<std::string, std::string> scope_from;
    for (const auto& path : drop_in_files(directories, ".yaml")) merge_file(merged, default_from, scope_from, path);
    merged.directories = std::move(directories);
    return merged;
}

// The scopes c/image searches for ref, most specific first.
std::vector<std::string> search_order(const DockerReference& ref) {
    std::vector<std::string> scopes{docker_reference_identity(ref)};
    for (auto& scope : reference::docker_policy_namespaces(ref)) scopes.push_back(std::move(scope));
    return scopes;
}

std::string percent_encode_path(const std::string& path) {
    std::string out;
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            static const char hex[] = "0123456789ABCDEF";
            out += '%';
            out += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
            out += hex[static_cast<unsigned char>(c) & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

RegistriesDirectory load_registries_d_from(const std::string& directory) { return merge_directories({directory}); }

RegistriesDirectory load_registries_d_in(const std::optional<std::string>& explicit_dir, const ConfigRoots& roots) {
    if (explicit_dir && !explicit_dir->empty()) return load_registries_d_from(*explicit_dir);
    return merge_directories(drop_in_directories(roots, "registries"));
}

RegistriesDirectory load_registries_d(const std::optional<std::string>& explicit_dir) {
    return load_registries_d_in(explicit_dir, config_roots_from_environment());
}

std::string describe_sources(const RegistriesDirectory& config) {
    auto joined = [](const std::vector<std::string>& items) {
        std::string out;
        for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
        return out;
    };
    std::string text = config.files.empty() ? "registries.d: no file" : "registries.d files " + joined(config.files);
    return text + " (searched: " + joined(config.directories) + ")";
}

std::string builtin_default_lookaside(unsigned effective_uid, const std::string& home_dir) {
    if (effective_uid == 0) return "file://" + std::string(root_default_lookaside_dir);
    return "file://" + percent_encode_path((std::filesystem::path(home_dir) / user_default_lookaside_dir).lexically_normal().string());
}

// c/image looks up each setting separately: the first scope (identity,
// namespaces, then default-docker) whose section sets a non-empty lookaside
// gives the lookaside; likewise for use-sigstore-attachments.
SignatureStorage signature_storage_for(const RegistriesDirectory& config, const DockerReference& ref) {
    SignatureStorage storage;
    std::optional<bool> attachments;
    for (const auto& scope : search_order(ref)) {
        const auto found = config.docker.find(scope);
        if (found == config.docker.end()) continue;
        if (!storage.lookaside && found->second.lookaside) {
            storage.lookaside = found->second.lookaside;
            storage.matched_scope = "docker namespace " + scope;
        }
        if (!attachments && found->second.use_sigstore_attachments) {
            attachments = found->second.use_sigstore_attachments;
            storage.attachments_scope = "docker namespace " + scope;
        }
    }
    if (config.default_docker) {
        if (!storage.lookaside && config.default_docker->lookaside) {
            storage.lookaside = config.default_docker->lookaside;
            storage.matched_scope = "default-docker";
        }
        if (!attachments && config.default_docker->use_sigstore_attachments) {
            attachments = config.default_docker->use_sigstore_attachments;
            storage.attachments_scope = "default-docker";
        }
    }
    if (!storage.lookaside) {
        storage.lookaside = builtin_default_lookaside(static_cast<unsigned>(geteuid()), util::home_directory());
        storage.matched_scope = "built-in default";
    }
    storage.use_sigstore_attachments = attachments.value_or(false);
    if (!attachments) storage.attachments_scope = "no section sets use-sigstore-attachments";
    return storage;
}

std::string docker_reference_identity(const DockerReference& ref) {
    if (!ref.tag.empty() && !ref.digest.empty())
        throw InvalidReferenceError("Docker references with both a tag and digest are currently not supported");
    if (ref.is_name_only())
        throw InvalidReferenceError("Docker reference " + ref.name() + " has neither a tag nor a digest");
    return ref.string();
}

}  // namespace imgtrust::config
