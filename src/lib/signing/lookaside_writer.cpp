#include "signing/lookaside_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "imgtrust/errors.hpp"
#include "reference/policy_scopes.hpp"
#include "registry/lookaside.hpp"

namespace imgtrust::signing {
namespace {

// registryNamespace.signatureTopLevel(write=true): staging first, then the reading location.
std::optional<std::string> write_location(const config::RegistryNamespaceConfig& section) {
    if (section.lookaside_staging) return section.lookaside_staging;
    return section.lookaside;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The local path of a file:// URL (percent-decoded; query and fragment dropped).
std::string file_url_path(const std::string& url) {
    std::string path = url.substr(std::strlen("file://"));
    path = path.substr(0, path.find_first_of("?#"));
    if (path.empty() || path.front() != '/') throw ConfigError("lookaside " + url + ": not an absolute file:// URL");
    std::string decoded;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%' && i + 2 < path.size() && hex_value(path[i + 1]) >= 0 && hex_value(path[i + 2]) >= 0) {
            decoded += static_cast<char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
            i += 2;
        } else {
            decoded += path[i];
        }
    }
    return decoded;
}

}  // namespace

std::string lookaside_for_writing(const config::RegistriesDirectory& config, const DockerReference& ref) {
    std::vector<std::string> scopes{config::docker_reference_identity(ref)};
    for (auto& scope : reference::docker_policy_namespaces(ref)) scopes.push_back(std::move(scope));
    for (const auto& scope : scopes) {
        const auto found = config.docker.find(scope);
        if (found == config.docker.end()) continue;
        if (auto location = write_location(found->second)) return *location;
    }
    if (config.default_docker) {
        if (auto location = write_location(*config.default_docker)) return *location;
    }
    // The built-in default is the reading default (no staging exists there).
    return *config::signature_storage_for(config::RegistriesDirectory{}, ref).lookaside;
}

void require_writable_lookaside(const std::string& base_url) {
    if (base_url.rfind("file://", 0) != 0) {
        throw ConfigError("writing signatures to lookaside " + registry::redacted_url(base_url) +
                          " is not supported: only file:// lookasides are written (as c/image)");
    }
}

std::string write_lookaside_signature(const std::string& base_url, const std::string& repository_path,
                                      const util::Digest& manifest_digest, const std::string& signature) {
    require_writable_lookaside(base_url);
    for (std::size_t index = 1; index <= registry::max_lookaside_signatures; ++index) {
        const std::string path =
            file_url_path(registry::lookaside_signature_url(base_url, repository_path, manifest_digest.string(), index));
        std::error_code error;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
        if (error) throw FetchError("creating the lookaside directory for " + path + ": " + error.message());
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST) continue;  // signature-N exists: keep it, try N+1
        if (fd < 0) throw FetchError("writing " + path + ": " + std::strerror(errno));
        const ssize_t written = ::write(fd, signature.data(), signature.size());
        const bool closed = ::close(fd) == 0;
        if (written != static_cast<ssize_t>(signature.size()) || !closed) {
            ::unlink(path.c_str());
            throw FetchError("writing " + path + ": short write");
        }
        return path;
    }
    throw FetchError("the lookaside already holds " + std::to_string(registry::max_lookaside_signatures) +
                     " signatures for " + manifest_digest.string());
}

}  // namespace imgtrust::signing
