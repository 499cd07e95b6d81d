// Policy file resolution with the home directory and system path as parameters,
// so that tests can use artificial paths (resolve_policy_path uses the real ones).
#pragma once

#include <optional>
#include <string>

namespace imgtrust::policy {

inline constexpr const char* system_policy_path = "/etc/containers/policy.json";
inline constexpr std::size_t max_policy_file_bytes = 4 * 1024 * 1024;

std::string resolve_policy_path_in(const std::optional<std::string>& explicit_path, const std::string& home_dir,
                                   const std::string& system_path);

}  // namespace imgtrust::policy
