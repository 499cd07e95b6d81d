// imgtrust verify: evaluate containers-policy.json for one or more images, or
// for a manifest and signatures the caller already downloaded (--manifest,
// --signature, --identity: docs/embedding-modes.md). Public API only.
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/interrupt_watch.hpp"
#include "cli/registry_options.hpp"
#include "cli/openpgp_engine_option.hpp"
#include "cli/verify_options.hpp"
#include "cli/verify_report.hpp"
#include "imgtrust/client.hpp"
#include "imgtrust/duration.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/files.hpp"
#include "imgtrust/preloaded.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust::cli {
namespace {

struct VerifyOptions : PolicyEvaluationOptions {
    std::string output = "text";
    bool all_instances = false;   // --all: every instance of a manifest list
    std::vector<std::string> images;
    // Pre-downloaded content: the manifest, its signatures and the docker reference they are checked under.
    std::string manifest_file;
    std::string manifest_type;  // --manifest-type (default: the manifest's mediaType, or guessed)
    std::vector<std::string> signature_files;
    std::string identity;
};

// skopeo's parseCreds: "USER[:PASSWORD]", the password may be empty or contain colons.
void apply_creds(const std::string& creds, SystemContext& system) {
    if (creds.empty()) throw ConfigError("--creds: credentials can't be empty");
    const auto colon = creds.find(':');
    const std::string user = creds.substr(0, colon);
    if (user.empty()) throw ConfigError("--creds: username can't be empty");
    system.username = user;
    system.password = colon == std::string::npos ? std::string() : creds.substr(colon + 1);
}

}  // namespace

void debug_line(const std::string& line) { std::cerr << "DEBU " << line << "\n"; }

Policy load_policy(const PolicyAccessOptions& options) {
    if (options.insecure_policy) {
        std::cerr << "WARN --insecure-policy: accepting every image without checking any signature\n";
        return insecure_accept_anything_policy();
    }
    std::optional<std::string> explicit_path;
    if (!options.policy_path.empty()) explicit_path = options.policy_path;
    const PolicyFileLocation location = locate_policy_file(explicit_path);
    if (options.debug) debug_line("Using policy file " + location.path + " (" + location.reason + ")");
    return load_policy_file(location.path);
}

SystemContext make_system_context(const PolicyAccessOptions& options, std::shared_ptr<std::atomic<bool>> cancel) {
    if (options.creds_given && options.no_creds) throw ConfigError("--creds and --no-creds cannot be specified at the same time");
    SystemContext system;
    if (!options.authfile.empty()) system.auth_file = options.authfile;
    if (options.creds_given) apply_creds(options.creds, system);
    system.no_creds = options.no_creds;
    if (!options.cert_dir.empty()) system.cert_dir = options.cert_dir;
    system.tls_verify = options.tls_verify;
    if (!options.registries_d.empty()) system.registries_d = options.registries_d;
    if (options.retry_times < 0) throw ConfigError("--retry-times must not be negative");
    system.retry_times = options.retry_times;
    if (!options.timeout.empty()) {
        system.timeout = parse_go_duration(options.timeout);
        if (system.timeout.count() == 0) system.timeout = std::chrono::hours(24 * 365);  // 0: no limit
        if (system.timeout < system.request_timeout) system.request_timeout = system.timeout;
    }
    if (options.debug) system.debug_log = debug_line;
    apply_tls_details(options.tls_details, system, system.debug_log);
    system.cancel = std::move(cancel);
    return system;
}

void add_policy_access_options(CLI::App* cmd, PolicyAccessOptions& options) {
    cmd->add_option("--policy", options.policy_path, "Path to the trust policy file (default: as skopeo finds it)");
    cmd->add_flag("--insecure-policy", options.insecure_policy, "Accept any image without checking signatures (insecure)");
    cmd->add_option("--registries.d", options.registries_d, "Directory of registries.d configuration (docker:// only)");
    cmd->add_option("--authfile", options.authfile, "Path of the authentication file (containers-auth.json)");
    cmd->add_option("--creds", options.creds, "Use USER[:PASSWORD] for accessing the registry");
    cmd->add_flag("--no-creds", options.no_creds, "Access the registry anonymously");
    cmd->add_option("--cert-dir", options.cert_dir, "Use certificates (*.crt, *.cert, *.key) in DIR for the registry");
    cmd->add_flag("--tls-verify", options.tls_verify, "Require HTTPS and verify certificates (--tls-verify=false: neither)");
    add_tls_details_option(cmd, options.tls_details);
    cmd->add_option("--retry-times", options.retry_times, "Retries on 429, 5xx and transport errors")->capture_default_str();
    cmd->add_option("--timeout", options.timeout, "Time limit per image, a Go duration such as 90s or 10m (0: none)");
}

void finish_policy_access_options(const CLI::App* cmd, PolicyAccessOptions& options) {
    if (options.insecure_policy && !options.policy_path.empty())
        throw ConfigError("--insecure-policy and --policy cannot be used together");
    options.creds_given = cmd->count("--creds") > 0;
}

namespace {

// One result per verdict: one for a single image (or the chosen instance),
// one per instance with --all; an error is one result without a verdict.
void verify_one(PolicyContext& context, const std::string& image_text, bool all_instances, ExitCode& code,
                std::vector<ImageResult>& results) {
    try {
        auto image = parse_image_reference(image_text);
        std::vector<Verdict> verdicts;
        if (all_instances)
            verdicts = context.evaluate_all_instances(*image);
        else
            verdicts.push_back(context.evaluate(*image));
        for (auto& verdict : verdicts) {
            code = worst_of(code, verdict.allowed ? exit_accepted : exit_rejected);
            results.push_back(ImageResult{image_text, std::move(verdict), {}, {}});
        }
    } catch (const std::exception& e) {
        ImageResult result;
        result.image = image_text;
        code = worst_of(code, exit_code_for(std::current_exception(), &result.error_kind));
        result.error_message = e.what();
        results.push_back(std::move(result));
    }
}

// DESIGN.md §4: a rejection ends with one stderr line naming the image and the
// first reason, even when stdout carries the whole report (--output json > file).
// Errors (exit 2 and 3) already end with their "Error: …" lines.
void print_rejection_line(const std::vector<ImageResult>& results, ExitCode code) {
    if (code != exit_rejected) return;
    const ImageResult* first = nullptr;
    std::size_t rejected = 0;
    for (const auto& result : results) {
        if (!result.verdict || result.verdict->allowed) continue;
        if (!first) first = &result;
        ++rejected;
    }
    if (!first) return;
    std::string reason = first_rejection_reason(*first->verdict);  // imgtrust/verify_json.hpp
    if (auto newline = reason.find('\n'); newline != std::string::npos) reason = reason.substr(0, newline) + " …";
    std::cerr << "Rejected: " << first->image << ": " << reason;
    if (rejected > 1) std::cerr << " (and " << rejected - 1 << " more rejected)";
    std::cerr << "\n";
}

// An image the run did not get to (or whose fetch was cut short) after a signal.
ImageResult not_checked_result(const std::string& image, const InterruptWatch& interrupts) {
    ImageResult result;
    result.image = image;
    result.error_kind = "not-checked";
    result.error_message = interrupts.not_checked_reason();
    return result;
}

// Images in order; after a first SIGINT/SIGTERM no new image starts, requests
// in flight are cancelled, and the rest is reported as not checked.
std::vector<ImageResult> verify_images(PolicyContext& context, const VerifyOptions& options,
                                       const InterruptWatch& interrupts, ExitCode& code) {
    std::vector<ImageResult> results;
    for (const auto& image : options.images) {
        if (interrupts.stop_requested()) {
            results.push_back(not_checked_result(image, interrupts));
            continue;
        }
        const std::size_t first = results.size();
        verify_one(context, image, options.all_instances, code, results);
        const bool cut_short = results.size() == first + 1 && !results[first].verdict &&
                               results[first].error_kind == "fetch";
        if (interrupts.stop_requested() && cut_short) results[first] = not_checked_result(image, interrupts);
    }
    return results;
}

// A file named for pre-downloaded content: missing, unreadable or oversized
// is a usage error (exit 2), never a fetch failure (nothing is fetched).
std::string read_named_file(const std::string& flag, const std::string& path, std::size_t max_bytes, const std::string& what) {
    std::optional<std::string> bytes;
    try {
        bytes = read_file_bounded(path, max_bytes, what);
    } catch (const FetchError& e) {
        throw ConfigError(flag + " " + path + ": " + e.what());
    }
    if (!bytes) throw ConfigError(flag + " " + path + ": no such file");
    return std::move(*bytes);
}

struct PreloadedContent {
    ManifestBlob manifest;
    std::vector<UntrustedSignature> signatures;
};

// Every file is read and recognised before the policy is evaluated.
PreloadedContent read_preloaded(const VerifyOptions& options) {
    PreloadedContent content;
    content.manifest.bytes = read_named_file("--manifest", options.manifest_file, max_manifest_bytes, "manifest");
    content.manifest.media_type = options.manifest_type;  // empty: evaluate_preloaded guesses it from the bytes
    if (options.signature_files.size() > max_signatures)
        throw ConfigError("--signature: more than " + std::to_string(max_signatures) + " signature files");
    for (const auto& path : options.signature_files) {
        const std::string bytes = read_named_file("--signature", path, max_signature_bytes, "signature");
        try {
            content.signatures.push_back(parse_signature_file(bytes));
        } catch (const ConfigError& e) {
            throw ConfigError("--signature " + path + ": " + e.what());
        }
    }
    return content;
}

// --manifest, --signature and --identity come together and replace IMAGE.
void check_preloaded_usage(const VerifyOptions& options) {
    const bool preloaded = !options.manifest_file.empty();
    if (!preloaded) {
        if (!options.identity.empty() || !options.signature_files.empty() || !options.manifest_type.empty())
            throw ConfigError("--identity, --signature and --manifest-type need --manifest FILE");
        if (options.images.empty()) throw ConfigError("at least one IMAGE, or --manifest FILE --identity docker://REF, is required");
        return;
    }
    if (!options.images.empty()) throw ConfigError("--manifest replaces IMAGE arguments: give one or the other");
    if (options.identity.empty()) throw ConfigError("--manifest needs --identity docker://REF (the name the image is checked under)");
    if (options.identity.rfind("docker://", 0) != 0)
        throw ConfigError("--identity " + options.identity + ": a docker reference written as docker://NAME[:TAG|@DIGEST]");
    if (options.all_instances)
        throw ConfigError("--all cannot be used with --manifest: the instances of a manifest list are not downloaded");
}

// The pre-downloaded mode: one result, for the manifest under --identity.
void verify_preloaded(const PolicyContext& context, const VerifyOptions& options, ExitCode& code,
                      std::vector<ImageResult>& results) {
    const PreloadedContent content = read_preloaded(options);  // usage errors end the command (exit 2)
    try {
        Verdict verdict = evaluate_preloaded(context, options.identity, content.manifest, content.signatures);
        code = worst_of(code, verdict.allowed ? exit_accepted : exit_rejected);
        results.push_back(ImageResult{options.identity, std::move(verdict), {}, {}});
    } catch (const std::exception& e) {
        ImageResult result;
        result.image = options.identity;
        code = worst_of(code, exit_code_for(std::current_exception(), &result.error_kind));
        result.error_message = e.what();
        results.push_back(std::move(result));
    }
}

}  // namespace

void add_platform_options(CLI::App* command, PolicyEvaluationOptions& options) {
    command->add_option("--override-os", options.override_os, "Use OS instead of the running OS for choosing images");
    command->add_option("--override-arch", options.override_arch, "Use ARCH instead of the machine's architecture");
    command->add_option("--override-variant", options.override_variant, "Use VARIANT instead of the machine's variant");
}

void add_evaluation_rule_options(CLI::App* command, PolicyEvaluationOptions& options) {
    command->add_flag("--require-signed", options.require_signed,
                      "Reject an image that no signedBy or sigstoreSigned requirement has verified");
    add_openpgp_engine_option(*command, options.openpgp_engine);
    command->add_option("--multi-arch-rule", options.multi_arch_rule,
                        "For a manifest list: platform (podman, skopeo copy: the instance's signatures) or "
                        "index-or-platform (bootc, skopeo's image proxy: the index's or the instance's)")
        ->check(CLI::IsMember({"platform", "index-or-platform"}))
        ->capture_default_str();
}

EvaluationOptions make_evaluation_options(const PolicyEvaluationOptions& options) {
    EvaluationOptions evaluation;
    if (options.debug) evaluation.debug_log = debug_line;
    evaluation.override_os = options.override_os;
    evaluation.override_arch = options.override_arch;
    evaluation.override_variant = options.override_variant;
    evaluation.require_signed = options.require_signed;
    evaluation.openpgp_engine = options.openpgp_engine;
    evaluation.multi_arch_rule =
        options.multi_arch_rule == "index-or-platform" ? MultiArchRule::index_or_platform : MultiArchRule::platform;
    return evaluation;
}

namespace {

int run_verify(const VerifyOptions& options) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    InterruptWatch interrupts([cancel] { cancel->store(true); });  // before any thread starts
    apply_openpgp_engine(options.openpgp_engine);
    EvaluationOptions evaluation = make_evaluation_options(options);
    // One Client for every image of the run; none for pre-downloaded content, which reaches no registry.
    const bool preloaded = !options.manifest_file.empty();
    std::optional<Client> client;
    if (!preloaded) {
        client.emplace(make_system_context(options, cancel));
        evaluation.system = client->system_context();
    }
    PolicyContext context(load_policy(options), evaluation);
    ExitCode code = exit_accepted;
    std::vector<ImageResult> results;
    if (preloaded)
        verify_preloaded(context, options, code, results);
    else
        results = verify_images(context, options, interrupts, code);
    if (options.output == "json") {
        print_json_report(std::cout, results, interrupts.signal_name());
        for (const auto& r : results)
            if (!r.verdict) std::cerr << "Error: " << r.image << ": " << r.error_message << "\n";
    } else {
        print_text_report(std::cout, std::cerr, results);
    }
    std::cout.flush();
    if (interrupts.signal_number() != 0) {
        std::size_t checked = 0;
        for (const auto& r : results) checked += r.error_kind == "not-checked" ? 0 : 1;
        std::cerr << "Interrupted by " << interrupts.signal_name() << ": " << checked << " of " << results.size()
                  << " images checked; the others are reported as not checked\n";
        return interrupts.exit_code();
    }
    print_rejection_line(results, code);
    return code;
}

}  // namespace

CommandAction register_verify_command(CLI::App& app) {
    auto options = std::make_shared<VerifyOptions>();
    CLI::App* cmd = app.add_subcommand("verify", "Decide whether containers-policy.json allows each IMAGE");
    add_policy_access_options(cmd, *options);
    cmd->add_option("--output,-o", options->output, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--debug", options->debug, "Log each decision to stderr");
    add_platform_options(cmd, *options);
    cmd->add_flag("--all,-a", options->all_instances,
                  "For a manifest list, evaluate every instance (each must be accepted), as skopeo copy --all");
    add_evaluation_rule_options(cmd, *options);
    cmd->add_option("--manifest", options->manifest_file,
                    "Verify this already-downloaded manifest (with --signature and --identity) instead of IMAGE; "
                    "nothing is fetched");
    cmd->add_option("--signature", options->signature_files,
                    "A signature file of --manifest (repeatable): simple signing, c/image sigstore blob or "
                    "Sigstore bundle (.sigstore.json)")
        ->allow_extra_args(false);
    cmd->add_option("--identity", options->identity,
                    "docker://NAME[:TAG|@DIGEST]: the name --manifest is checked under (policy scope, signed identity)");
    cmd->add_option("--manifest-type", options->manifest_type,
                    "Media type of --manifest (default: its mediaType field, else guessed from its content)");
    cmd->add_option("images", options->images, "IMAGE (docker://NAME[:TAG|@DIGEST], dir:PATH, oci:PATH[:REF])");
    return [cmd, options]() -> int {
        finish_policy_access_options(cmd, *options);
        check_preloaded_usage(*options);
        return run_verify(*options);
    };
}

}  // namespace imgtrust::cli
