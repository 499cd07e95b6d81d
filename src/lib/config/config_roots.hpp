// Where containers configuration lives, as containers/storage's pkg/configfile
// (container-libs, c/image v5.40) finds it: one per-user directory, the admin
// directory /etc/containers and the vendor directory /usr/share/containers,
// with rootful/rootless drop-in directories between them. One owner for
// policy.json, registries.d and certs.d lookups.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgtrust::config {

struct ConfigRoots {
    // "$XDG_CONFIG_HOME/containers" when XDG_CONFIG_HOME is set (even empty, as
    // Go's os.LookupEnv), else "<home>/.config/containers"; "" with no home
    // directory at all (the per-user paths are then skipped).
    std::string user_dir;
    std::string admin_dir = "/etc/containers";          // configfile's adminOverrideConfigPath
    std::string vendor_dir = "/usr/share/containers";   // configfile's systemConfigPath
    std::string docker_certs_dir = "/etc/docker/certs.d";  // certs.d's compatibility fallback
    // unshare.GetRootlessUID: $_CONTAINERS_ROOTLESS_UID if set and non-empty
    // (parsed as Go's Atoi, 0 when it is not a number), else getuid(). 0 is rootful.
    long uid = 0;
};

// The environment variable that prefixes every implicit absolute path
// (/etc/containers, /usr/share/containers, /etc/docker/certs.d) with a root
// directory, as c/image's SystemContext.RootForImplicitAbsolutePaths does. It
// does not affect the per-user directory (set HOME or XDG_CONFIG_HOME) nor
// paths given explicitly. A test and packaging knob.
inline constexpr const char* config_root_variable = "IMGTRUST_CONFIG_ROOT";

// The roots from the process environment: IMGTRUST_CONFIG_ROOT, XDG_CONFIG_HOME,
// HOME (util::home_directory), _CONTAINERS_ROOTLESS_UID and getuid().
ConfigRoots config_roots_from_environment();

// The main file candidates, highest priority first: user, admin, vendor
// ("<dir>/<file_name>"; the user one only when user_dir is not "").
std::vector<std::string> main_file_candidates(const ConfigRoots& roots, std::string_view file_name);

// The drop-in directories of a configuration named `base` ("registries",
// "certs"), highest priority first, as configfile's getDropInPaths:
//   <user>/<base>.d;
//   <admin>/<base>.rootless.d/<uid>, <admin>/<base>.rootless.d (uid > 0) or
//   <admin>/<base>.rootful.d (uid 0); <admin>/<base>.d;
//   the same three kinds under <vendor>.
std::vector<std::string> drop_in_directories(const ConfigRoots& roots, std::string_view base);

// The drop-in files of `directories` (highest priority first) whose names end
// in `suffix`, as configfile's readDropInsFromPaths: a file masks a same-named
// file of a lower-priority directory; the result is sorted by file name (byte
// order). A missing directory is skipped; any other failure to list one
// (not a directory, permission) throws ConfigError naming it. Entries that are
// directories themselves are skipped (symbolic links are kept).
std::vector<std::string> drop_in_files(const std::vector<std::string>& directories, std::string_view suffix);

// Whether `path` exists for configfile's purposes: false only for ENOENT
// (a missing file or a dangling link); any other stat failure throws
// ConfigError naming the path (c/image does not fall through on EACCES).
bool config_path_exists(const std::string& path);

// stat(2) of `path`: 0 when it exists, else the errno.
int config_path_errno(const std::string& path);

}  // namespace imgtrust::config
