// Policy file discovery with the roots and the environment value as
// parameters, so that tests use temporary roots (locate_policy_file in
// imgtrust/policy.hpp uses the process environment).
#pragma once

#include <optional>
#include <string>

#include "config/config_roots.hpp"
#include "imgtrust/policy.hpp"

namespace imgtrust::policy {

inline constexpr const char* policy_environment_variable = "CONTAINERS_POLICY_JSON";
inline constexpr std::size_t max_policy_file_bytes = 4 * 1024 * 1024;

// c/image v5.40 DefaultPolicy: `explicit_path` (--policy) if non-empty; else
// `environment_value` (CONTAINERS_POLICY_JSON) if non-empty, which must exist
// (no fallback); else the first existing of the per-user, admin and vendor
// policy.json (config::main_file_candidates). Throws ConfigError listing every
// path searched when none exists, or naming a path that cannot be checked.
PolicyFileLocation locate_policy_file_in(const std::optional<std::string>& explicit_path,
                                         const config::ConfigRoots& roots, const char* environment_value);

}  // namespace imgtrust::policy
