// containers/storage pkg/configfile's search rules (read at container-libs
// image/v5.40.0: parse.go getSearchPaths, getDropInPaths,
// getDropInPathsUnderMain, readDropInsFromPaths; path_unix.go UserConfigPath).
#include "config/config_roots.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "imgtrust/errors.hpp"
#include "util/home_directory.hpp"

namespace imgtrust::config {
namespace {

namespace fs = std::filesystem;

// Go's filepath.Clean for the paths built here: lexical normalisation, no
// trailing separator (except "/"), "." for an empty result.
std::string clean(const std::string& path) {
    std::string out = fs::path(path).lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out.empty() ? "." : out;
}

// Go's filepath.Join of two elements: empty elements are ignored, then Clean.
std::string join(const std::string& first, const std::string& second) {
    if (first.empty()) return second.empty() ? "" : clean(second);
    if (second.empty()) return clean(first);
    return clean(first + "/" + second);
}

// Go's strconv.Atoi with its error ignored, as unshare.GetRootlessUID does: 0 unless
// the whole text is an optionally signed decimal number that fits.
long go_atoi_or_zero(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty() || text.front() == '+') return 0;
    long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return 0;
    return value;
}

std::string user_config_dir() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr) return join(xdg, "containers");
    const std::string home = util::home_directory();
    return home.empty() ? "" : join(home, ".config/containers");
}

// "<main>.rootless.d/<uid>", "<main>.rootless.d" (uid > 0) or "<main>.rootful.d"
// (uid 0), then "<main>.d" (configfile's getDropInPathsUnderMain, for a main
// name without an extension).
void append_drop_ins_under(std::vector<std::string>& out, const std::string& main_path, long uid) {
    if (uid >= 0) {
        const bool rootless = uid > 0;
        const std::string special = main_path + (rootless ? ".rootless.d" : ".rootful.d");
        if (rootless) out.push_back(special + "/" + std::to_string(uid));
        out.push_back(special);
    }
    out.push_back(main_path + ".d");
}

// The names ending in `suffix` of entries that are not directories (a link is
// not followed, as Go's DirEntry.IsDir); nullopt when the directory is missing.
std::optional<std::vector<std::string>> listed_names(const std::string& directory, std::string_view suffix) {
    std::error_code error;
    fs::directory_iterator it(directory, error);
    if (error == std::errc::no_such_file_or_directory) return std::nullopt;
    std::vector<std::string> names;
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        std::error_code type_error;
        if (it->symlink_status(type_error).type() == fs::file_type::directory) continue;
        names.push_back(name);
    }
    if (error) throw ConfigError("reading configuration directory " + directory + ": " + error.message());
    return names;
}

}  // namespace

ConfigRoots config_roots_from_environment() {
    ConfigRoots roots;
    roots.user_dir = user_config_dir();
    if (const char* root = std::getenv(config_root_variable); root != nullptr && *root != '\0') {
        roots.admin_dir = join(root, roots.admin_dir);
        roots.vendor_dir = join(root, roots.vendor_dir);
        roots.docker_certs_dir = join(root, roots.docker_certs_dir);
    }
    const char* rootless_uid = std::getenv("_CONTAINERS_ROOTLESS_UID");
    roots.uid = rootless_uid != nullptr && *rootless_uid != '\0' ? go_atoi_or_zero(rootless_uid)
                                                                  : static_cast<long>(getuid());
    return roots;
}

std::vector<std::string> main_file_candidates(const ConfigRoots& roots, std::string_view file_name) {
    std::vector<std::string> candidates;
    const std::string name(file_name);
    if (!roots.user_dir.empty()) candidates.push_back(join(roots.user_dir, name));
    if (!roots.admin_dir.empty()) candidates.push_back(join(roots.admin_dir, name));
    if (!roots.vendor_dir.empty()) candidates.push_back(join(roots.vendor_dir, name));
    return candidates;
}

std::vector<std::string> drop_in_directories(const ConfigRoots& roots, std::string_view base) {
    std::vector<std::string> directories;
    const std::string name(base);
    // "the $HOME config only has one .d path not the rootful/rootless ones"
    if (!roots.user_dir.empty()) directories.push_back(join(roots.user_dir, name) + ".d");
    if (!roots.admin_dir.empty()) append_drop_ins_under(directories, join(roots.admin_dir, name), roots.uid);
    if (!roots.vendor_dir.empty()) append_drop_ins_under(directories, join(roots.vendor_dir, name), roots.uid);
    return directories;
}

std::vector<std::string> drop_in_files(const std::vector<std::string>& directories, std::string_view suffix) {
    std::map<std::string, std::string> by_name;  // std::string order is byte order, as Go's slices.Sorted
    for (auto directory = directories.rbegin(); directory != directories.rend(); ++directory) {
        const auto names = listed_names(*directory, suffix);
        if (!names) continue;
        for (const auto& name : *names) by_name[name] = join(*directory, name);  // higher priority overwrites
    }
    std::vector<std::string> files;
    files.reserve(by_name.size());
    for (auto& [name, path] : by_name) files.push_back(std::move(path));
    return files;
}

int config_path_errno(const std::string& path) {
    struct stat status {};
    return ::stat(path.c_str(), &status) == 0 ? 0 : errno;
}

bool config_path_exists(const std::string& path) {
    const int error = config_path_errno(path);
    if (error == 0) return true;
    if (error == ENOENT) return false;
    throw ConfigError("checking " + path + ": " + std::strerror(error));
}

}  // namespace imgtrust::config
