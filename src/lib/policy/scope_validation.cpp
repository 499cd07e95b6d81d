// Per-transport scope validation: c/image's ValidatePolicyConfigurationScope.
// An invalid scope makes the whole policy invalid; the "" scope is always allowed.
#include <array>

#include "image/local_files.hpp"
#include "policy/parse_policy.hpp"
#include "util/digest.hpp"

namespace imgtrust::policy {
namespace {

// dir:, oci:, oci-archive: and sif: "The paths must be absolute", and
// "The top-level scope "/" is forbidden; use the transport default scope """.
std::string path_scope_error(std::string_view scope) {
    std::string quoted = quote_json_string(scope);
    if (scope.empty() || scope.front() != '/') return "invalid scope " + quoted + ": must be an absolute path";
    if (scope == "/") return "invalid scope \"/\": use the generic default scope \"\"";
    std::string cleaned = image::clean_path(scope);  // Go's filepath.Clean
    if (cleaned != scope)
        return "invalid scope " + quoted + ": uses non-canonical format, perhaps try " + quote_json_string(cleaned);
    return "";
}

}  // namespace

std::string scope_error(std::string_view transport, std::string_view scope) {
    if (scope.empty()) return "";
    if (transport == "dir" || transport == "oci" || transport == "oci-archive" || transport == "sif")
        return path_scope_error(scope);
    if (transport == "docker-archive" || transport == "tarball")
        return std::string(transport) + ": does not support any scopes except the default \"\" one";
    if (transport == "docker-daemon" && util::Digest::parse(scope))
        return "docker-daemon: can not use algo:digest value " + quote_json_string(scope) + " as a namespace";
    // docker: c/image validates nothing ("there are few semantically invalid strings").
    // containers-storage, atomic and ostree scopes are not validated by imgtrust.
    return "";
}

bool is_known_transport(std::string_view transport) {
    static constexpr std::array<std::string_view, 11> known = {"atomic", "containers-storage", "dir", "docker", "docker-archive",
                                                              "docker-daemon", "oci", "oci-archive", "ostree", "sif", "tarball"};
    for (std::string_view name : known)
        if (transport == name) return true;
    return false;
}

}  // namespace imgtrust::policy
