// imgtrust validate: hangar-compatible batch validation of an image list
// (`hangar sign validate`), checking every image's index and selected
// platforms against sigstore keys or a policy file, concurrently.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/interrupt_watch.hpp"
#include "cli/progress.hpp"
#include "cli/openpgp_engine_option.hpp"
#include "cli/registry_options.hpp"
#include "cli/staged_output.hpp"
#include "imgtrust/client.hpp"
#include "imgtrust/duration.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/files.hpp"
#include "imgtrust/validate.hpp"

namespace imgtrust::cli {
namespace {

struct ValidateOptions {
    std::string list_file;
    validate::ValidationSettings settings;  // trust, overrides, platforms, --validate-manifest-index
    int jobs = 4;
    std::string timeout = "10m";
    RegistryAccessOptions registry;
    bool debug = false;
    std::string failed_file = "sign-failed.txt";
    std::string report_file = "sign-validate-report.[FORMAT]";
    std::string format = "json";
    bool auto_yes = false;
    std::string openpgp_engine;  // --openpgp-engine (empty: the default engine)
    std::string shard;  // --shard K/N, empty: the whole list (docs/validate-sharding.md)
};

std::string report_path(const ValidateOptions& options) {
    std::string path = options.report_file;
    const std::string placeholder = "[FORMAT]";
    if (auto at = path.find(placeholder); at != std::string::npos) path.replace(at, placeholder.size(), options.format);
    return path;
}

// The shared registry client: the access options, hangar mode's settings
// (validation_system_context) and --debug lines through the progress lock.
std::shared_ptr<const Client> make_client(const ValidateOptions& options, ValidateProgress& progress,
                                          std::shared_ptr<std::atomic<bool>> cancel) {
    SystemContext access;
    apply_registry_access_options(options.registry, access);
    SystemContext system = validate::validation_system_context(std::move(access), options.settings.timeout);
    if (options.debug)
        system.debug_log = [&progress](const std::string& line) {
            const std::string& label = validate::current_job_label();
            progress.print_line("DEBU [" + (label.empty() ? std::string("-") : label) + "] " + line);
        };
    apply_tls_details(options.registry.tls_details, system, system.debug_log);
    system.cancel = std::move(cancel);
    return std::make_shared<const Client>(std::move(system));
}

// "line 3 (docker://r/app:v1): identity-mismatch: <first reason>", for the closing stderr line.
std::string describe_failure(const validate::ImageReport& report) {
    std::string text = "line " + std::to_string(report.line_number) + " (" +
                       (report.reference.empty() ? report.input_line : report.reference) + "): " +
                       validate::status_name(report.status);
    std::string reason = report.error;
    for (const auto& manifest : report.manifests)
        if (reason.empty() && !manifest.reasons.empty()) reason = manifest.reasons.front();
    if (auto newline = reason.find('\n'); newline != std::string::npos) reason = reason.substr(0, newline) + " …";
    return reason.empty() ? text : text + ": " + reason;
}

// A list of 10^6 references is about 17 MB.
constexpr std::size_t max_image_list_bytes = 64 * 1024 * 1024;

// The list file, read once with read_file_bounded: a FIFO, a directory or
// an oversize file is a usage error (exit 2), not a hang.
std::string read_image_list(const std::string& path) {
    std::optional<std::string> text;
    try {
        text = read_file_bounded(path, max_image_list_bytes, "image list");
    } catch (const FetchError& error) {
        throw ConfigError(std::string("cannot read image list: ") + error.what());
    }
    if (!text) throw ConfigError("cannot read image list " + path + ": no such file");
    return std::move(*text);
}

struct ListOutcome {
    validate::ReportSummary summary;
    std::string first_failure;
};

// Checks the list (validate::run_validation: jobs, report, failed list, in
// list order), showing progress; after a first SIGINT/SIGTERM the rest is
// reported as not-checked.
ListOutcome check_list(const validate::Validator& validator, std::istream& list, validate::ValidationRun run,
                       ValidateProgress& progress, const InterruptWatch& interrupts) {
    ListOutcome outcome;
    run.stop = &interrupts.stop_requested();
    run.not_checked_reason = [&interrupts] { return interrupts.not_checked_reason(); };
    run.interrupted_by = [&interrupts] { return interrupts.signal_name(); };
    run.on_finished = [&progress](const validate::ImageReport& r) { progress.image_finished(r); };
    run.on_in_order = [&outcome](const validate::ImageReport& r) {
        if (!r.passed && r.status != validate::CheckStatus::not_checked && outcome.first_failure.empty())
            outcome.first_failure = describe_failure(r);
    };
    outcome.summary = validate::run_validation(validator, list, run);
    return outcome;
}

// The closing stderr lines and the exit code: 130/143 when interrupted, 1 when
// an image failed (DESIGN.md §4: a non-zero exit ends with a line saying why).
int finish_run(const ValidateOptions& options, const std::string& report_file, const ListOutcome& outcome,
               const InterruptWatch& interrupts) {
    const auto& summary = outcome.summary;
    std::cerr << "Report: " << report_file << "; failed images: " << options.failed_file << "\n";
    if (interrupts.signal_number() != 0) {
        auto found = summary.image_statuses.find("not-checked");
        const std::size_t not_checked = found == summary.image_statuses.end() ? 0 : found->second;
        std::cerr << "Interrupted by " << interrupts.signal_name() << ": " << summary.images - not_checked << " of "
                  << summary.images << " images checked; the failed list (" << options.failed_file
                  << ") holds the failed and the " << not_checked << " not-checked lines: run it again to resume\n";
        return interrupts.exit_code();
    }
    if (summary.failed)
        std::cerr << "Failed: " << summary.failed << " of " << summary.images << " images; first: " << outcome.first_failure
                  << "\n";
    return summary.failed ? exit_rejected : exit_accepted;
}

// The progress total: the entries to check, 0 (unknown) for stdin.
std::size_t progress_total(const std::string& path, const std::string& text, std::optional<validate::ShardSelection> shard) {
    if (path == "-") return 0;
    std::istringstream in(text);
    return validate::count_list_entries(in, shard);
}

// --shard K/N: every shard reads and fingerprints the whole list, so it needs a file.
std::optional<validate::ShardSelection> shard_option(const ValidateOptions& options) {
    if (options.shard.empty()) return std::nullopt;
    const auto shard = validate::parse_shard(options.shard);
    if (options.list_file == "-") throw ConfigError("--shard needs the list as a file (-f FILE, not -): every shard reads the whole list");
    return shard;
}

int run_validate(ValidateOptions options) {
    validate::validate_overrides(options.settings.overrides);
    const auto shard = shard_option(options);
    const std::string report_file = report_path(options);
    if (std::filesystem::exists(report_file) && !options.auto_yes)
        throw ConfigError("report file " + report_file + " already exists; use -y/--auto-yes to overwrite it");
    const std::string list_text = options.list_file == "-" ? std::string() : read_image_list(options.list_file);
    std::istringstream list_stream(list_text);
    std::istream& list = options.list_file == "-" ? std::cin : list_stream;
    if (options.settings.trust.insecure_policy)
        std::cerr << "WARN --insecure-policy: accepting every image without checking any signature\n";
    Policy policy = validate::build_validation_policy(options.settings.trust);
    for (const auto& warning : validate::trust_option_warnings(options.settings.trust)) std::cerr << "WARN " << warning << "\n";

    auto cancel = std::make_shared<std::atomic<bool>>(false);
    InterruptWatch interrupts([cancel] { cancel->store(true); });  // before any thread starts
    ValidateProgress progress(std::cerr, progress_total(options.list_file, list_text, shard), isatty(STDERR_FILENO) == 1);
    options.settings.timeout = parse_go_duration(options.timeout);
    auto client = make_client(options, progress, cancel);
    apply_openpgp_engine(options.openpgp_engine);
    options.settings.openpgp_engine = options.openpgp_engine;
    if (options.debug) progress.print_line("DEBU [-] policy: " + policy.source);
    const validate::Validator validator(options.settings, std::move(policy), client);

    StagedOutput failed(options.failed_file);
    StagedOutput report(report_file);
    interrupts.remove_on_forced_exit(failed.staging_path());
    interrupts.remove_on_forced_exit(report.staging_path());
    validate::ValidationRun run;
    run.jobs = static_cast<std::size_t>(options.jobs);
    run.shard = shard;
    run.whole_list = list_text;
    run.report_format = options.format;
    run.report = &report.stream();
    run.failed_list = &failed.stream();
    const ListOutcome outcome = check_list(validator, list, std::move(run), progress, interrupts);
    failed.commit();
    report.commit();
    progress.finish(outcome.summary);
    return finish_run(options, report_file, outcome, interrupts);
}

}  // namespace

CommandAction register_validate_command(CLI::App& app) {
    auto o = std::make_shared<ValidateOptions>();
    CLI::App* cmd = app.add_subcommand("validate", "Validate the signatures of every image in a list (hangar sign validate)");
    cmd->add_option("-f,--file", o->list_file, "Image list: one reference per line (# and // comments), - for stdin")->required();
    cmd->add_option("-p,--sigstore-pubkey,-k,--key", o->settings.trust.key_paths, "Sigstore public key file (repeatable: any of them)");
    cmd->add_option("--exact-repository", o->settings.trust.exact_repository, "Accept signatures naming this repository (mirrored images)");
    cmd->add_flag("--match-repository", o->settings.trust.match_repository, "Accept signatures naming the image's repository (cosign identities)");
    cmd->add_flag("--match-digest-only", o->settings.trust.match_digest_only,
                  "Accept any signature whose key/certificate and digest verify, whatever image it names; the only way "
                  "to accept Sigstore bundles (cosign v3), which name no image (imgtrust extension)");
    cmd->add_option("--trusted-root", o->settings.trust.trusted_root_path,
                    "Sigstore trusted_root.json (Fulcio CAs, Rekor logs, CT logs, TSAs) instead of --fulcio-ca and "
                    "--rekor-public-key; keyless without any of the three uses the built-in public-good root");
    cmd->add_option("--certificate-identity", o->settings.trust.certificate_identity,
                    "Keyless/PKI: a SAN the signing certificate must hold, exactly (email, URI, DNS or IP, as cosign)");
    cmd->add_option("--certificate-identity-regexp", o->settings.trust.certificate_identity_regexp,
                    "Keyless/PKI: RE2 pattern some SAN must match (unanchored, as cosign; write ^...$)");
    cmd->add_option("--certificate-oidc-issuer", o->settings.trust.certificate_oidc_issuer,
                    "Keyless: the OIDC issuer Fulcio recorded in the certificate");
    cmd->add_option("--certificate-oidc-issuer-regexp", o->settings.trust.certificate_oidc_issuer_regexp,
                    "Keyless: RE2 pattern the OIDC issuer must match (unanchored, as cosign)");
    cmd->add_option("--certificate-github-workflow-trigger", o->settings.trust.github_workflow_trigger,
                    "Keyless: the GitHub workflow trigger (extension 1.3.6.1.4.1.57264.1.2), exactly");
    cmd->add_option("--certificate-github-workflow-sha", o->settings.trust.github_workflow_sha,
                    "Keyless: the GitHub workflow commit SHA (extension .1.3), exactly");
    cmd->add_option("--certificate-github-workflow-name", o->settings.trust.github_workflow_name,
                    "Keyless: the GitHub workflow name (extension .1.4), exactly");
    cmd->add_option("--certificate-github-workflow-repository", o->settings.trust.github_workflow_repository,
                    "Keyless: the GitHub workflow repository (extension .1.5), exactly");
    cmd->add_option("--certificate-github-workflow-ref", o->settings.trust.github_workflow_ref,
                    "Keyless: the GitHub workflow git ref (extension .1.6), exactly");
    cmd->add_option("--fulcio-ca", o->settings.trust.fulcio_ca_path, "Keyless: Fulcio CA root certificates (PEM)");
    cmd->add_option("--rekor-public-key", o->settings.trust.rekor_key_paths,
                    "Rekor public key (PEM, ECDSA) whose SET must log the signature (repeatable: any of them)");
    cmd->add_option("--ca-roots", o->settings.trust.ca_roots_path, "PKI: root CA certificates (PEM)");
    cmd->add_option("--ca-intermediates", o->settings.trust.ca_intermediates_path, "PKI: intermediate CA certificates (PEM)");
    cmd->add_option("--certificate-hostname", o->settings.trust.certificate_hostname,
                    "PKI: the hostname (DNS/IP SAN) the signing certificate must hold");
    cmd->add_option("--policy", o->settings.trust.policy_path, "Use this containers-policy.json instead of keys");
    cmd->add_flag("--insecure-policy", o->settings.trust.insecure_policy, "Accept every image without checking signatures (insecure)");
    cmd->add_option("--registry", o->settings.overrides.registry, "Override every image's registry host");
    cmd->add_option("--project", o->settings.overrides.project, "Override every image's project (first path component)");
    cmd->add_option("-a,--arch", o->settings.platforms.architectures, "Platform architectures to check (comma separated)")->delimiter(',')->capture_default_str();
    cmd->add_option("--os", o->settings.platforms.oses, "Platform OSes to check (comma separated)")->delimiter(',')->capture_default_str();
    cmd->add_option("--validate-manifest-index", o->settings.validate_manifest_index, "Also check the signature of a manifest list/index")
        ->capture_default_str();
    cmd->add_option("-j,--jobs", o->jobs, "Images checked at once (1-64)")->check(CLI::Range(1, 64))->capture_default_str();
    cmd->add_option("--timeout", o->timeout, "Time limit per image (Go duration, 0 = none)")->capture_default_str();
    add_registry_access_options(cmd, o->registry, "Directory of registries.d configuration");
    cmd->add_flag("--debug", o->debug, "Log each decision and request to stderr, prefixed by job and image");
    cmd->add_option("-o,--failed", o->failed_file, "File for the failed images, one list line each")->capture_default_str();
    cmd->add_option("-r,--report", o->report_file, "Report file")->capture_default_str();
    cmd->add_option("--format", o->format, "Report format")->check(CLI::IsMember({"json", "yaml", "csv"}))->capture_default_str();
    cmd->add_flag("-y,--auto-yes", o->auto_yes, "Overwrite an existing report file");
    add_openpgp_engine_option(*cmd, o->openpgp_engine);
    cmd->add_option("--shard", o->shard,
                    "Check only shard K of N (K/N, K 0-based): list entry i belongs to shard i mod N; merge the shard "
                    "reports with imgtrust report merge (docs/validate-sharding.md)");
    return [o]() -> int { return run_validate(*o); };
}

}  // namespace imgtrust::cli
