// `imgtrust policy show` (policy_show_command.cpp), registered by policy_command.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace imgtrust::cli {

// Adds "show" under `policy`; the returned action runs it (call only when it was parsed).
std::function<int()> register_policy_show(CLI::App& policy);

}  // namespace imgtrust::cli
