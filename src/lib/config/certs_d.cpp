#include "config/certs_d.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "imgtrust/errors.hpp"

namespace imgtrust::config {
namespace {

namespace fs = std::filesystem;

bool has_suffix(const std::string& name, const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string strip_suffix(const std::string& name, const std::string& suffix) {
    return name.substr(0, name.size() - suffix.size());
}

std::set<std::string> entry_names(const std::string& directory) {
    std::set<std::string> names;
    std::error_code error;
    fs::directory_iterator it(directory, error);
    if (error) return names;  // missing or unreadable: nothing to add, as c/image
    for (const auto& entry : it) names.insert(entry.path().filename().string());
    return names;
}

}  // namespace

std::string cert_dir_for_host_in(const std::optional<std::string>& cert_dir, const std::string& host_port,
                                 const ConfigRoots& roots) {
    if (cert_dir && !cert_dir->empty()) return *cert_dir;
    std::vector<std::string> candidates = drop_in_directories(roots, "certs");
    candidates.push_back(roots.docker_certs_dir);
    for (const auto& base : candidates) {
        const std::string candidate = base + "/" + host_port;
        const int error = config_path_errno(candidate);
        if (error == 0) return candidate;
        // c/image skips missing candidates and, with a debug line, unreadable ones.
        if (error == ENOENT || error == EACCES || error == EPERM) continue;
        throw ConfigError("accessing certs directory " + candidate + ": " + std::strerror(error));
    }
    return "";
}

std::string cert_dir_for_host(const std::optional<std::string>& cert_dir, const std::string& host_port) {
    return cert_dir_for_host_in(cert_dir, host_port, config_roots_from_environment());
}

CertsDirectory read_certs_dir(const std::string& directory) {
    CertsDirectory result;
    result.directory = directory;
    if (directory.empty()) return result;
    const std::set<std::string> names = entry_names(directory);
    for (const auto& name : names) {
        const std::string path = directory + "/" + name;
        if (has_suffix(name, ".crt")) {
            result.ca_files.push_back(path);
        } else if (has_suffix(name, ".cert")) {
            const std::string key = strip_suffix(name, ".cert") + ".key";
            if (!names.count(key)) {
                throw ConfigError("missing key " + key + " for client certificate " + name + " in " + directory +
                                  ". Note that CA certificates should use the extension .crt");
            }
            result.client_certificates.push_back({path, directory + "/" + key});
        } else if (has_suffix(name, ".key")) {
            const std::string certificate = strip_suffix(name, ".key") + ".cert";
            if (!names.count(certificate)) {
                throw ConfigError("missing client certificate " + certificate + " for key " + name + " in " + directory);
            }
        }
    }
    return result;
}

CertsDirectory certs_for_host(const std::optional<std::string>& cert_dir, const std::string& host_port) {
    return read_certs_dir(cert_dir_for_host(cert_dir, host_port));
}

}  // namespace imgtrust::config
