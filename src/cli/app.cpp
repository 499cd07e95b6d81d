// The imgtrust command line: subcommands registered from their own files.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

namespace imgtrust::cli {

int run(int argc, char** argv) {
    CLI::App app{"imgtrust: decide whether containers-policy.json allows a container image"};
    app.set_version_flag("--version", "imgtrust 0.1.0");
    app.require_subcommand(1);
    const std::vector<std::pair<std::string, CommandAction>> commands{
        {"verify", register_verify_command(app)},
        {"policy", register_policy_command(app)},
        {"validate", register_validate_command(app)},
        {"verify-bundle", register_verify_bundle_command(app)},
        {"generate-key", register_generate_key_command(app)},
        {"sign", register_sign_command(app)},
        {"report", register_report_command(app)},
        {"serve", register_serve_command(app)},
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_usage_or_config;
    }
    try {
        for (const auto& [name, action] : commands)
            if (app.got_subcommand(name)) return action();
        return exit_usage_or_config;
    } catch (const std::exception& e) {
        std::cerr << "Error: " << e.what() << "\n";
        return exit_code_for(std::current_exception());
    }
}

}  // namespace imgtrust::cli
