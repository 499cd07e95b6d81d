// imgtrust policy lint FILE: every problem in a policy file, with its location;
// imgtrust policy show (policy_show_command.cpp).
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/policy_show.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"
#include "imgtrust/policy_summary.hpp"

namespace imgtrust::cli {
namespace {

int run_lint(const std::string& path) {
    const std::string json = read_policy_file_text(path);
    std::size_t errors = 0, warnings = 0;
    for (const auto& d : lint_policy(json, path)) {
        bool is_error = d.severity == PolicyDiagnostic::Severity::error;
        (is_error ? errors : warnings)++;
        std::cout << path << ": " << (is_error ? "error" : "warning") << ": "
                  << (d.location.empty() ? "" : d.location + ": ") << d.message << "\n";
    }
    std::cout << path << ": " << errors << " error(s), " << warnings << " warning(s)\n";
    if (errors) std::cerr << "Error: " << path << " is not a valid policy: " << errors << " error(s), listed on stdout\n";
    return errors ? exit_usage_or_config : exit_accepted;
}

}  // namespace

CommandAction register_policy_command(CLI::App& app) {
    auto path = std::make_shared<std::string>();
    CLI::App* policy = app.add_subcommand("policy", "Work with containers-policy.json files");
    policy->require_subcommand(1);
    CLI::App* lint = policy->add_subcommand("lint", "Report every problem in a policy file, and warn about insecure or shadowed scopes");
    lint->add_option("file", *path, "Policy file")->required();
    std::function<int()> show = register_policy_show(*policy);
    return [lint, path, show]() -> int {
        if (lint->parsed()) return run_lint(*path);
        return show();
    };
}

}  // namespace imgtrust::cli
