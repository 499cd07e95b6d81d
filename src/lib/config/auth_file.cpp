#include "config/auth_file.hpp"

#include <rapidjson/document.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"
#include "util/home_directory.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::config {
namespace {

constexpr std::size_t max_auth_file_bytes = 4 * 1024 * 1024;

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

bool directory_exists(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

struct AuthEntry {
    std::string auth;            // base64 "user:password"
    std::string identity_token;
};

struct AuthFileContents {
    std::vector<std::pair<std::string, AuthEntry>> auths;   // in file order
    std::vector<std::pair<std::string, std::string>> cred_helpers;
};

// Go's encoding/json matches object keys to struct fields case-insensitively.
const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
    const rapidjson::Value* found = nullptr;
    for (const auto& m : object.GetObject()) {
        if (strcasecmp(m.name.GetString(), name) == 0) found = &m.value;
    }
    return found;
}

std::string string_field(const rapidjson::Value& object, const char* name, const std::string& path) {
    const rapidjson::Value* value = member(object, name);
    if (!value || value->IsNull()) return "";
    if (!value->IsString()) throw ConfigError("reading JSON file \"" + path + "\": \"" + name + "\" is not a string");
    return value->GetString();
}

void read_auth_map(const rapidjson::Value& map, const std::string& path, AuthFileContents& contents) {
    if (map.IsNull()) return;
    if (!map.IsObject()) throw ConfigError("reading JSON file \"" + path + "\": \"auths\" is not an object");
    for (const auto& entry : map.GetObject()) {
        if (entry.value.IsNull()) continue;
        if (!entry.value.IsObject()) {
            throw ConfigError("reading JSON file \"" + path + "\": entry \"" + entry.name.GetString() + "\" is not an object");
        }
        contents.auths.emplace_back(entry.name.GetString(),
            AuthEntry{string_field(entry.value, "auth", path), string_field(entry.value, "identitytoken", path)});
    }
}

void read_helpers(const rapidjson::Value& map, const std::string& path, AuthFileContents& contents) {
    if (map.IsNull()) return;
    if (!map.IsObject()) throw ConfigError("reading JSON file \"" + path + "\": \"credHelpers\" is not an object");
    for (const auto& entry : map.GetObject()) {
        if (!entry.value.IsString()) {
            throw ConfigError("reading JSON file \"" + path + "\": credHelpers entry \"" + entry.name.GetString() + "\" is not a string");
        }
        contents.cred_helpers.emplace_back(entry.name.GetString(), entry.value.GetString());
    }
}

// A missing file is empty; anything unreadable or malformed names the file.
AuthFileContents parse_auth_file(const AuthFilePath& file) {
    std::optional<std::string> bytes;
    try {
        bytes = util::read_file_bounded(file.path, max_auth_file_bytes, "auth file");
    } catch (const Error& error) {
        throw ConfigError("reading JSON file \"" + file.path + "\": " + error.what());
    }
    AuthFileContents contents;
    if (!bytes) return contents;
    rapidjson::Document document;
    util::JsonOptions options;
    options.limits.max_bytes = max_auth_file_bytes;
    auto error = util::parse_untrusted_json(*bytes, document, options);
    if (error) throw ConfigError("reading JSON file \"" + file.path + "\": unmarshaling JSON: " + error->describe());
    if (!(document.IsObject() || document.IsNull()))
        throw ConfigError("reading JSON file \"" + file.path + "\": unmarshaling JSON: not a valid auth file");
    if (document.IsNull()) return contents;
    if (file.legacy_format) {
        read_auth_map(document, file.path, contents);
        return contents;
    }
    if (const auto* auths = member(document, "auths")) read_auth_map(*auths, file.path, contents);
    if (const auto* helpers = member(document, "credHelpers")) read_helpers(*helpers, file.path, contents);
    return contents;
}

std::string normalize_registry(const std::string& registry) {
    if (registry == "registry-1.docker.io" || registry == "docker.io") return "index.docker.io";
    return registry;
}

// A key as written by docker login ("https://index.docker.io/v1/") reduced to its host.
std::string normalize_auth_key(const std::string& key, bool legacy_format) {
    std::string stripped = key;
    for (const char* prefix : {"http://", "https://"}) {
        if (stripped.rfind(prefix, 0) == 0) {
            stripped = stripped.substr(std::string(prefix).size());
            break;
        }
    }
    if (legacy_format || stripped != key) stripped = stripped.substr(0, stripped.find('/'));
    return normalize_registry(stripped);
}

// The "auth" field; an entry without a ':' is skipped as docker does.
std::optional<Credentials> decode_entry(const AuthEntry& entry, const std::string& key, const std::string& path) {
    const auto decoded = util::base64_decode(entry.auth);
    if (!decoded) throw ConfigError("reading JSON file \"" + path + "\": invalid base64 in the \"auth\" field of " + key);
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    Credentials credentials{decoded->substr(0, colon), decoded->substr(colon + 1), entry.identity_token};
    while (!credentials.password.empty() && credentials.password.back() == '\0') credentials.password.pop_back();
    while (!credentials.password.empty() && credentials.password.front() == '\0') credentials.password.erase(0, 1);
    return credentials;
}

const AuthEntry* exact_entry(const AuthFileContents& contents, const std::string& key) {
    for (const auto& [name, entry] : contents.auths) {
        if (name == key) return &entry;
    }
    return nullptr;
}

CredentialLookup search_file(const AuthFilePath& file, const std::string& name, const std::string& registry,
                             std::chrono::steady_clock::time_point helper_deadline) {
    const AuthFileContents contents = parse_auth_file(file);
    for (const auto& [host, helper] : contents.cred_helpers) {
        if (host != registry) continue;
        auto found = credentials_from_helper(helper, registry, helper_deadline);
        return {found, "credential helper " + helper + " (credHelpers in file " + file.path + ")"};
    }
    std::string key = file.legacy_format ? registry : name;
    while (true) {
        if (const AuthEntry* entry = exact_entry(contents, key)) {
            return {decode_entry(*entry, key, file.path), "file " + file.path};
        }
        const auto slash = key.rfind('/');
        if (file.legacy_format || slash == std::string::npos) break;
        key = key.substr(0, slash);
    }
    const std::string normalized = normalize_registry(registry);
    for (const auto& [entry_key, entry] : contents.auths) {
        if (normalize_auth_key(entry_key, file.legacy_format) == normalized) {
            return {decode_entry(entry, entry_key, file.path), "file " + file.path};
        }
    }
    return {};
}

}  // namespace

std::vector<AuthFilePath> auth_file_search_paths(const std::optional<std::string>& auth_file) {
    if (auth_file && !auth_file->empty()) return {{*auth_file, false}};
    const std::string from_environment = environment("REGISTRY_AUTH_FILE");
    if (!from_environment.empty()) return {{from_environment, false}};
    std::vector<AuthFilePath> paths;
    const std::string home = util::home_directory();
    const std::string runtime_dir = environment("XDG_RUNTIME_DIR");
    if (!runtime_dir.empty() && directory_exists(runtime_dir)) {
        paths.push_back({runtime_dir + "/containers/auth.json", false});
    } else if (runtime_dir.empty()) {
        paths.push_back({"/run/containers/" + std::to_string(::getuid()) + "/auth.json", false});
    }
    std::string config_home = environment("XDG_CONFIG_HOME");
    if (config_home.empty()) config_home = home + "/.config";
    paths.push_back({config_home + "/containers/auth.json", false});
    const std::string docker_config = environment("DOCKER_CONFIG");
    paths.push_back({docker_config.empty() ? home + "/.docker/config.json" : docker_config + "/config.json", false});
    paths.push_back({home + "/.dockercfg", true});
    return paths;
}

CredentialLookup find_credentials(const SystemContext& context, const std::string& name,
                                  std::chrono::steady_clock::time_point helper_deadline) {
    if (context.no_creds) return {std::nullopt, "--no-creds"};
    if (context.username) {
        return {Credentials{*context.username, context.password.value_or(""), ""}, "--creds"};
    }
    const std::string registry = name.substr(0, name.find('/'));
    for (const auto& file : auth_file_search_paths(context.auth_file)) {
        CredentialLookup found = search_file(file, name, registry, helper_deadline);
        if (found.credentials && !found.credentials->empty()) return found;
    }
    return {};
}

}  // namespace imgtrust::config
