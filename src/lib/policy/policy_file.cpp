// Finding and reading containers-policy.json as c/image v5.40's DefaultPolicy
// (signature/policy_config.go, through storage's pkg/configfile): --policy, else
// CONTAINERS_POLICY_JSON, else the first existing of
// $XDG_CONFIG_HOME/containers/policy.json (or ~/.config/containers/policy.json),
// /etc/containers/policy.json and /usr/share/containers/policy.json.
// "DO NOT hard-code fallback policies in your application": there is none.
#include "policy/policy_file.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"
#include "imgtrust/policy_summary.hpp"
#include "policy/strict_json.hpp"
#include "util/bytes.hpp"
#include "util/go_quote.hpp"

namespace imgtrust {
namespace {

// Go's %q of a []string: ["a" "b"].
std::string go_quote_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? " " : "") + util::go_quote(items[i]);
    return out + "]";
}

std::string candidate_kind(std::size_t index, const config::ConfigRoots& roots) {
    static const char* const kinds[] = {"per-user", "admin", "vendor"};
    return kinds[index + (roots.user_dir.empty() ? 1 : 0)];
}

}  // namespace

namespace policy {

PolicyFileLocation locate_policy_file_in(const std::optional<std::string>& explicit_path,
                                         const config::ConfigRoots& roots, const char* environment_value) {
    if (explicit_path && !explicit_path->empty()) return {*explicit_path, "given by --policy"};
    if (environment_value != nullptr && *environment_value != '\0') {
        // configfile: the variable's file must exist; nothing else is searched.
        if (!config::config_path_exists(environment_value))
            throw ConfigError("open " + std::string(environment_value) + ": no such file or directory (named by " +
                              std::string(policy_environment_variable) + ")");
        return {environment_value, std::string("named by ") + policy_environment_variable};
    }
    const std::vector<std::string> candidates = config::main_file_candidates(roots, "policy.json");
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (!config::config_path_exists(candidates[i])) continue;
        std::string reason = "the " + candidate_kind(i, roots) + " policy file";
        if (i > 0) {
            reason += "; not found: ";
            for (std::size_t j = 0; j < i; ++j) reason += (j ? ", " : "") + candidates[j];
        }
        return {candidates[i], reason};
    }
    throw ConfigError("config file not found: no policy.json file found; searched paths: " + go_quote_list(candidates));
}

}  // namespace policy

PolicyFileLocation locate_policy_file(const std::optional<std::string>& explicit_path) {
    return policy::locate_policy_file_in(explicit_path, config::config_roots_from_environment(),
                                         std::getenv(policy::policy_environment_variable));
}

std::string resolve_policy_path(const std::optional<std::string>& explicit_path) {
    return locate_policy_file(explicit_path).path;
}

std::string read_policy_file_text(const std::string& path) {
    std::optional<std::string> contents;
    try {
        contents = util::read_file_bounded(path, policy::max_policy_file_bytes, "policy file");
    } catch (const FetchError& e) {
        throw ConfigError(e.what());
    }
    if (!contents) throw ConfigError("policy file " + path + " does not exist");
    return *contents;
}

Policy load_policy_file(const std::string& path) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) throw ConfigError("policy file " + path + " is a directory");
    const std::string contents = read_policy_file_text(path);
    try {
        return parse_policy(contents, path);
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
