// imgtrust sign: signs docker:// images offline, as cosign (legacy .sig or
// v3 bundle) or `skopeo copy --sign-by` (GPG, lookaside) would, one image or
// a hangar-style list (`hangar sign -f LIST --sigstore-key K`). Nothing is
// uploaded to a transparency log.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>

#include "cli/registry_options.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/interrupt_watch.hpp"
#include "cli/password_prompt.hpp"
#include "cli/progress.hpp"
#include "imgtrust/errors.hpp"
#include "registry/registry_pool.hpp"
#include "signing/image_signer.hpp"
#include "signing/oci_layout_signer.hpp"
#include "util/bytes.hpp"
#include "validate/batch_runner.hpp"
#include "validate/duration.hpp"
#include "validate/image_validator.hpp"
#include "validate/rewrite.hpp"

namespace imgtrust::cli {
namespace {

struct SignOptions {
    std::string image;      // single mode: docker://REF
    std::string list_file;  // batch mode: -f LIST
    std::string key_file;   // --key / --sigstore-key
    bool bundle = false;
    std::string sign_by;    // --sign-by FINGERPRINT (GPG)
    std::string identity;   // oci: the payload's docker-reference
    validate::ReferenceOverrides overrides;
    std::vector<std::string> architectures{"amd64", "arm64"};
    std::vector<std::string> oses{"linux"};
    int jobs = 1;
    std::string failed_file = "sign-failed.txt";
    std::string timeout = "10m";
    RegistryAccessOptions registry;
    bool debug = false;
};

constexpr std::size_t max_key_file_bytes = 64 * 1024;
constexpr std::size_t max_image_list_bytes = 64 * 1024 * 1024;

std::string read_required_file(const std::string& path, std::size_t max_bytes, const std::string& what) {
    std::optional<std::string> text;
    try {
        text = util::read_file_bounded(path, max_bytes, what);
    } catch (const FetchError& error) {
        throw ConfigError("cannot read " + what + " " + path + ": " + error.what());
    }
    if (!text) throw ConfigError("cannot read " + what + " " + path + ": no such file");
    return std::move(*text);
}

void check_usage(const SignOptions& options) {
    if (options.image.empty() == options.list_file.empty())
        throw ConfigError("give either one image (docker://REF) or -f LIST");
    if (options.sign_by.empty() == options.key_file.empty())
        throw ConfigError("give exactly one of --key/--sigstore-key (sigstore) and --sign-by (GPG)");
    if (options.bundle && !options.sign_by.empty()) throw ConfigError("--bundle needs a sigstore key, not --sign-by");
}

SystemContext make_system_context(const SignOptions& options, std::function<void(const std::string&)> debug,
                                  std::shared_ptr<std::atomic<bool>> cancel = nullptr) {
    SystemContext system;
    if (cancel) system.cancel = std::move(cancel);
    apply_registry_access_options(options.registry, system);
    system.timeout = validate::parse_go_duration(options.timeout);
    if (system.timeout.count() > 0 && system.timeout < system.request_timeout) system.request_timeout = system.timeout;
    if (system.timeout.count() == 0) system.timeout = std::chrono::hours(24 * 365);
    if (options.debug) system.debug_log = std::move(debug);
    apply_tls_details(options.registry.tls_details, system, system.debug_log);
    system.pool = registry::RegistryPool::for_context(system);
    return system;
}

signing::SignerSettings signer_settings(const SignOptions& options, const signing::SigningKey* key) {
    signing::SignerSettings settings;
    settings.key = key;
    settings.format = !options.sign_by.empty() ? signing::SignatureFormat::gpg
                      : options.bundle        ? signing::SignatureFormat::bundle
                                              : signing::SignatureFormat::sigstore;
    settings.gpg_fingerprint = options.sign_by;
    const validate::PlatformFilter filter{options.architectures, options.oses};
    settings.select_instance = [filter](const ManifestInstance& instance) { return validate::platform_selected(filter, instance); };
    return settings;
}

std::string describe(const signing::SignedManifest& manifest) {
    std::string text = manifest.digest + (manifest.platform.empty() ? "" : " (" + manifest.platform + ")");
    if (manifest.already_signed) text += ": already signed by this key";
    if (!manifest.written_to.empty()) text += ": " + manifest.written_to;
    return text;
}

DockerReference single_image_reference(const std::string& image) {
    const std::string prefix = "docker://";
    if (image.rfind(prefix, 0) != 0)
        throw ConfigError("imgtrust sign signs docker://REF and oci:PATH[:REF] images, not " + image);
    return with_default_tag(parse_normalized_named(image.substr(prefix.size())));
}

// oci:PATH[:REF]: a legacy cosign signature into the layout, naming --identity.
int sign_layout(const SignOptions& options, const signing::SignerSettings& settings) {
    if (settings.format != signing::SignatureFormat::sigstore)
        throw ConfigError("oci: layouts take cosign signatures only (--key), not --bundle or --sign-by");
    if (options.identity.empty())
        throw ConfigError("an oci: layout has no docker reference: give the signed identity with --identity REF");
    const std::string rest = options.image.substr(std::string("oci:").size());
    const std::size_t colon = rest.find(':');
    const std::string directory = rest.substr(0, colon);
    const std::string ref_name = colon == std::string::npos ? "" : rest.substr(colon + 1);
    const DockerReference identity = parse_normalized_named(options.identity);
    for (const auto& manifest : signing::sign_oci_layout(directory, ref_name, identity, *settings.key, settings.select_instance))
        std::cout << "Signed " << options.image << " " << describe(manifest) << "\n";
    return exit_accepted;
}

int sign_single(const SignOptions& options, const signing::SignerSettings& settings) {
    if (options.image.rfind("oci:", 0) == 0) return sign_layout(options, settings);
    const DockerReference ref = single_image_reference(options.image);
    const SystemContext system = make_system_context(options, [](const std::string& line) { std::cerr << "DEBU " << line << "\n"; });
    for (const auto& manifest : signing::sign_docker_image(system, ref, settings))
        std::cout << "Signed " << ref.string() << " " << describe(manifest) << "\n";
    return exit_accepted;
}

validate::ImageReport sign_entry(const SystemContext& system, const SignOptions& options,
                                 const signing::SignerSettings& settings, const validate::ListEntry& entry,
                                 std::size_t sequence) {
    validate::ImageReport report;
    report.sequence = sequence;
    report.entry_index = entry.index;
    report.line_number = entry.line_number;
    report.input_line = entry.original_line;
    const auto started = std::chrono::steady_clock::now();
    try {
        const DockerReference ref = with_default_tag(validate::parse_list_reference(entry.reference_text, options.overrides));
        report.reference = "docker://" + ref.string();
        signing::sign_docker_image(system, ref, settings);
        report.passed = true;
        report.status = validate::CheckStatus::verified;
    } catch (const std::exception& error) {
        report.passed = false;
        report.status = validate::CheckStatus::fetch_error;
        report.error = error.what();
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

// SIGINT/SIGTERM: no new image starts, requests in flight are cancelled (an
// image cut short has at most unreferenced blobs: tags are written last), and
// every line not signed goes to the failed list, so that it resumes the run.
int sign_list(const SignOptions& options, const signing::SignerSettings& settings) {
    validate::validate_overrides(options.overrides);
    const std::string list_text = read_required_file(options.list_file, max_image_list_bytes, "image list");
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    InterruptWatch interrupts([cancel] { cancel->store(true); });  // before any thread starts
    std::istringstream counting(list_text);
    ValidateProgress progress(std::cerr, validate::count_entries(counting), isatty(STDERR_FILENO) == 1);
    SystemContext system = make_system_context(options, [&progress](const std::string& line) {
        progress.print_line("DEBU [" + validate::current_job_label() + "] " + line);
    }, cancel);
    std::ofstream failed(options.failed_file, std::ios::binary | std::ios::trunc);
    if (!failed) throw ConfigError("cannot write " + options.failed_file);
    std::istringstream list(list_text);
    validate::ImageListReader reader(list);
    validate::ReportSummary summary;
    validate::BatchCallbacks callbacks;
    callbacks.check = [&](std::size_t, const validate::ListEntry& entry, std::size_t sequence) {
        return sign_entry(system, options, settings, entry, sequence);
    };
    callbacks.not_checked = [&interrupts](const validate::ListEntry& entry, std::size_t sequence) {
        return validate::not_checked_report(entry, sequence, interrupts.not_checked_reason());
    };
    callbacks.on_finished = [&progress](const validate::ImageReport& report) { progress.image_finished(report); };
    callbacks.on_in_order = [&](const validate::ImageReport& report) {
        summary.add(report);
        if (!report.passed) failed << report.input_line << "\n";
    };
    validate::BatchSettings batch;
    batch.jobs = static_cast<std::size_t>(options.jobs);
    batch.stop = &interrupts.stop_requested();
    validate::run_batch(reader, batch, callbacks);
    failed.close();
    progress.finish(summary);
    if (interrupts.signal_number() != 0) {
        std::cerr << "Interrupted by " << interrupts.signal_name() << ": the lines not signed are in " << options.failed_file
                  << "; sign it as a list to resume\n";
        return interrupts.exit_code();
    }
    std::cerr << "Signed " << summary.passed << " of " << summary.images << " images; failed: " << summary.failed;
    if (summary.failed) std::cerr << " (listed in " << options.failed_file << ")";
    std::cerr << "\n";
    return summary.failed ? exit_rejected : exit_accepted;
}

int run_sign(const SignOptions& options) {
    check_usage(options);
    std::optional<signing::SigningKey> key;
    if (!options.key_file.empty()) {
        // Loaded (and its password checked) before anything is read or pushed.
        const std::string pem = read_required_file(options.key_file, max_key_file_bytes, "key file");
        key.emplace(signing::SigningKey::load(pem, cosign_password_source(options.key_file, false), options.key_file));
    }
    const signing::SignerSettings settings = signer_settings(options, key ? &*key : nullptr);
    return options.list_file.empty() ? sign_single(options, settings) : sign_list(options, settings);
}

}  // namespace

CommandAction register_sign_command(CLI::App& app) {
    auto o = std::make_shared<SignOptions>();
    CLI::App* cmd = app.add_subcommand("sign", "Sign images offline: cosign signatures or bundles, or GPG simple signing");
    cmd->add_option("image", o->image, "docker://REF or oci:PATH[:REF] to sign (or use -f LIST)");
    cmd->add_option("-f,--file", o->list_file, "Image list (hangar format: one reference per line, # and // comments)");
    cmd->add_option("--key,--sigstore-key", o->key_file, "cosign private key (encrypted cosign key or plain PEM)");
    cmd->add_flag("--bundle", o->bundle, "Write a cosign v3 bundle as an OCI 1.1 referrer instead of a .sig signature");
    cmd->add_option("--sign-by", o->sign_by, "GPG key fingerprint: simple signing into the registries.d lookaside");
    cmd->add_option("--identity", o->identity, "oci: images: the docker reference the signature names");
    cmd->add_option("--registry", o->overrides.registry, "Override every list image's registry host");
    cmd->add_option("--project", o->overrides.project, "Override every list image's project (first path component)");
    cmd->add_option("-a,--arch", o->architectures, "Platform architectures to sign (comma separated)")->delimiter(',')->capture_default_str();
    cmd->add_option("--os", o->oses, "Platform OSes to sign (comma separated)")->delimiter(',')->capture_default_str();
    cmd->add_option("-j,--jobs", o->jobs, "Images signed at once (1-64)")->check(CLI::Range(1, 64))->capture_default_str();
    cmd->add_option("-o,--failed", o->failed_file, "File for the images that could not be signed")->capture_default_str();
    cmd->add_option("--timeout", o->timeout, "Time limit per image (Go duration, 0 = none)")->capture_default_str();
    add_registry_access_options(cmd, o->registry, "Directory of registries.d configuration (GPG lookaside)");
    cmd->add_flag("--debug", o->debug, "Log each request to stderr");
    return [o]() -> int { return run_sign(*o); };
}

}  // namespace imgtrust::cli
