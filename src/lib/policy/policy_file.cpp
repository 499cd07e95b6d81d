// Finding and reading containers-policy.json: "By default, the policy is read from
// $HOME/.config/containers/policy.json, if it exists, otherwise from
// /etc/containers/policy.json". There is never a built-in fallback policy.
#include "policy/policy_file.hpp"

#include <filesystem>
#include <system_error>

#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"
#include "policy/strict_json.hpp"
#include "util/bytes.hpp"
#include "util/home_directory.hpp"

namespace imgtrust {
namespace {

bool path_exists(const std::string& path) {
    std::error_code ignored;
    return std::filesystem::exists(path, ignored);
}

}  // namespace

namespace policy {

std::string resolve_policy_path_in(const std::optional<std::string>& explicit_path, const std::string& home_dir,
                                   const std::string& system_path) {
    if (explicit_path && !explicit_path->empty()) return *explicit_path;
    std::string user_path = (std::filesystem::path(home_dir) / ".config/containers/policy.json").string();
    if (path_exists(user_path)) return user_path;
    if (path_exists(system_path)) return system_path;
    throw ConfigError("no policy.json file found at any of the following: " + quote_json_string(user_path) + ", " +
                      quote_json_string(system_path));
}

}  // namespace policy

std::string resolve_policy_path(const std::optional<std::string>& explicit_path) {
    return policy::resolve_policy_path_in(explicit_path, util::home_directory(), policy::system_policy_path);
}

Policy load_policy_file(const std::string& path) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) throw ConfigError("policy file " + path + " is a directory");
    std::optional<std::string> contents;
    try {
        contents = util::read_file_bounded(path, policy::max_policy_file_bytes, "policy file");
    } catch (const FetchError& e) {
        throw ConfigError(e.what());
    }
    if (!contents) throw ConfigError("policy file " + path + " does not exist");
    try {
        return parse_policy(*contents, path);
    } catch (const PolicyFormatError& e) {
        throw PolicyFormatError(e.location(), e.bare_message() + " (in policy file " + policy::quote_json_string(path) + ")");
    }
}

Policy insecure_accept_anything_policy() {
    Policy policy;
    policy.default_requirements.push_back(Requirement{InsecureAcceptAnythingRequirement{}, "default[0]"});
    policy.source = "--insecure-policy (accept anything)";
    return policy;
}

}  // namespace imgtrust
