// imgtrust verify: evaluate containers-policy.json for one or more images.
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/verify_report.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust::cli {
namespace {

struct VerifyOptions {
    std::string policy_path;
    bool insecure_policy = false;
    std::string registries_d;
    std::string output = "text";
    bool debug = false;
    std::string override_os, override_arch, override_variant;
    std::vector<std::string> images;
};

void debug_line(const std::string& line) { std::cerr << "DEBU " << line << "\n"; }

// --insecure-policy stands for an accept-anything policy and says so; otherwise
// the policy file is found as skopeo finds it.
Policy load_policy(const VerifyOptions& options) {
    if (options.insecure_policy) {
        std::cerr << "WARN --insecure-policy: accepting every image without checking any signature\n";
        return insecure_accept_anything_policy();
    }
    std::optional<std::string> explicit_path;
    if (!options.policy_path.empty()) explicit_path = options.policy_path;
    std::string path = resolve_policy_path(explicit_path);
    if (options.debug) debug_line("Using policy file " + path);
    return load_policy_file(path);
}

ImageResult verify_one(PolicyContext& context, const std::string& image_text, ExitCode& code) {
    ImageResult result;
    result.image = image_text;
    try {
        auto image = parse_image_reference(image_text);
        result.verdict = context.evaluate(*image);
        code = worst_of(code, result.verdict->allowed ? exit_accepted : exit_rejected);
    } catch (const std::exception& e) {
        code = worst_of(code, exit_code_for(std::current_exception(), &result.error_kind));
        result.error_message = e.what();
    }
    return result;
}

int run_verify(const VerifyOptions& options) {
    EvaluationOptions evaluation;
    if (options.debug) evaluation.debug_log = debug_line;
    evaluation.override_os = options.override_os;
    evaluation.override_arch = options.override_arch;
    evaluation.override_variant = options.override_variant;
    if (options.debug && !options.registries_d.empty())
        debug_line("registries.d " + options.registries_d + " applies to docker:// images only; local images do not use it");
    PolicyContext context(load_policy(options), evaluation);
    ExitCode code = exit_accepted;
    std::vector<ImageResult> results;
    for (const auto& image : options.images) results.push_back(verify_one(context, image, code));
    if (options.output == "json") {
        print_json_report(std::cout, results);
        for (const auto& r : results)
            if (!r.verdict) std::cerr << "Error: " << r.image << ": " << r.error_message << "\n";
    } else {
        print_text_report(std::cout, std::cerr, results);
    }
    return code;
}

}  // namespace

CommandAction register_verify_command(CLI::App& app) {
    auto options = std::make_shared<VerifyOptions>();
    CLI::App* cmd = app.add_subcommand("verify", "Decide whether containers-policy.json allows each IMAGE");
    cmd->add_option("--policy", options->policy_path, "Path to the trust policy file (default: as skopeo finds it)");
    cmd->add_flag("--insecure-policy", options->insecure_policy, "Accept any image without checking signatures (insecure)");
    cmd->add_option("--registries.d", options->registries_d, "Directory of registries.d configuration (docker:// only)");
    cmd->add_option("--output,-o", options->output, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--debug", options->debug, "Log each decision to stderr");
    cmd->add_option("--override-os", options->override_os, "Use OS instead of the running OS for choosing images");
    cmd->add_option("--override-arch", options->override_arch, "Use ARCH instead of the machine's architecture");
    cmd->add_option("--override-variant", options->override_variant, "Use VARIANT instead of the machine's variant");
    cmd->add_option("images", options->images, "IMAGE (dir:PATH, oci:PATH[:REF])")->required();
    return [cmd, options]() -> int {
        if (options->insecure_policy && !options->policy_path.empty())
            throw ConfigError("--insecure-policy and --policy cannot be used together");
        (void)cmd;
        return run_verify(*options);
    };
}

}  // namespace imgtrust::cli
