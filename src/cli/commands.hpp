// One registration function per subcommand. Each adds its CLI11 subcommand
// and returns the action to run when that subcommand was chosen; the action
// returns an exit code (see exit_codes.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace imgtrust::cli {

using CommandAction = std::function<int()>;

CommandAction register_verify_command(CLI::App& app);
CommandAction register_policy_command(CLI::App& app);
CommandAction register_validate_command(CLI::App& app);
CommandAction register_verify_bundle_command(CLI::App& app);
CommandAction register_generate_key_command(CLI::App& app);
CommandAction register_sign_command(CLI::App& app);
CommandAction register_report_command(CLI::App& app);
CommandAction register_serve_command(CLI::App& app);

// The whole CLI: parses argv, runs the chosen command, maps errors to exit codes.
int run(int argc, char** argv);

}  // namespace imgtrust::cli
