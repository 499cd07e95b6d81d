// Files of local image layouts: paths resolved as c/image's explicitfilepath
// does. Reads go through util::read_file_bounded (regular files only).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgtrust::image {

// Go's filepath.Clean: the shortest lexically equivalent path.
std::string clean_path(std::string_view path);

// Go's filepath.Join(directory, name).
std::string join_path(std::string_view directory, std::string_view name);

// c/image's ResolvePathToFullyExplicit: an absolute, clean path with every
// symlink resolved. Every component must exist, except that the last one may
// be a missing name (but not a dangling symlink). Throws NotFoundError when a
// component is missing and FetchError for any other failure; `image` names the
// reference in messages.
std::string resolve_path_fully_explicit(const std::string& path, const std::string& image);

// containers-policy.json's path scopes (dir:, oci:): `path` and each parent
// directory, most specific first, never "/" ("The top-level scope "/" is
// forbidden"). c/image's dir: namespaces start at the first parent (the path
// itself is the identity); oci:'s include the directory itself.
std::vector<std::string> path_and_parent_scopes(std::string_view path);

enum class PathKind { missing, directory, other };
PathKind path_kind(const std::string& path);  // follows symlinks

}  // namespace imgtrust::image
