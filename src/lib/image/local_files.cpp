#include "image/local_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "imgtrust/errors.hpp"

namespace imgtrust::image {
namespace {

[[noreturn]] void throw_for_errno(int error, const std::string& message) {
    const std::string full = message + ": " + std::strerror(error);
    if (error == ENOENT || error == ENOTDIR) throw NotFoundError(full);
    throw FetchError(full);
}

std::string current_directory() {
    std::unique_ptr<char, decltype(&std::free)> cwd(getcwd(nullptr, 0), &std::free);
    if (!cwd) throw FetchError(std::string("cannot determine the working directory: ") + std::strerror(errno));
    return cwd.get();
}

// explicitfilepath's resolveExistingPathToFullyExplicit: Abs, then EvalSymlinks, then Clean.
std::string resolve_existing_path(const std::string& path, const std::string& image) {
    const std::string absolute = clean_path(!path.empty() && path[0] == '/' ? path : current_directory() + "/" + path);
    std::unique_ptr<char, decltype(&std::free)> resolved(realpath(absolute.c_str(), nullptr), &std::free);
    if (!resolved) throw_for_errno(errno, image + ": resolving " + absolute);
    return clean_path(resolved.get());
}

}  // namespace

std::string clean_path(std::string_view path) {
    if (path.empty()) return ".";
    const bool rooted = path.front() == '/';
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const auto part = path.substr(start, end - start);
        if (part.empty() || part == ".") {
            // skipped
        } else if (part == "..") {
            if (!parts.empty() && parts.back() != "..") parts.pop_back();
            else if (!rooted) parts.push_back(part);
        } else {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string result = rooted ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) result += '/';
        result += parts[i];
    }
    return result.empty() ? "." : result;
}

std::string join_path(std::string_view directory, std::string_view name) {
    if (directory.empty()) return clean_path(name);
    return clean_path(std::string(directory) + "/" + std::string(name));
}

std::string resolve_path_fully_explicit(const std::string& path, const std::string& image) {
    struct stat status {};
    if (lstat(path.c_str(), &status) == 0) return resolve_existing_path(path, image);
    if (errno != ENOENT) throw_for_errno(errno, image + ": " + path);
    const auto slash = path.rfind('/');
    const std::string parent = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    const std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
    const std::string resolved_parent = resolve_existing_path(parent, image);
    if (file == "." || file == "..") throw FetchError(image + ": unexpectedly missing special filename component in " + path);
    return join_path(resolved_parent, file);
}

std::vector<std::string> path_and_parent_scopes(std::string_view path) {
    std::vector<std::string> scopes;
    for (;;) {
        const auto last_slash = path.rfind('/');
        if (last_slash == std::string_view::npos || path == "/") break;
        scopes.emplace_back(path);
        path = path.substr(0, last_slash);
    }
    return scopes;
}

PathKind path_kind(const std::string& path) {
    struct stat status {};
    if (stat(path.c_str(), &status) != 0) return PathKind::missing;
    return S_ISDIR(status.st_mode) ? PathKind::directory : PathKind::other;
}

}  // namespace imgtrust::image
