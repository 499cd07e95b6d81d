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
#include "imgtrust/client.hpp"
#include "imgtrust/duration.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/files.hpp"
#include "imgtrust/sign.hpp"
#include "imgtrust/validate.hpp"

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
    validate::PlatformFilter platforms;
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
        text = read_file_bounded(path, max_bytes, what);
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

std::unique_ptr<const Client> make_client(const SignOptions& options, std::function<void(const std::string&)> debug,
                                          std::shared_ptr<std::atomic<bool>> cancel = nullptr) {
    SystemContext access;
    if (cancel) access.cancel = std::move(cancel);
    apply_registry_access_options(options.registry, access);
    SystemContext system = signing::signing_system_context(std::move(access), parse_go_duration(options.timeout));
    if (options.debug) system.debug_log = std::move(debug);
    apply_tls_details(options.registry.tls_details, system, system.debug_log);
    return std::make_unique<const Client>(std::move(system));
}

signing::SignSettings sign_settings(const SignOptions& options, const signing::PrivateKey* key) {
    signing::SignSettings settings;
    settings.key = key;
    settings.format = !options.sign_by.empty() ? signing::SignatureFormat::gpg
                      : options.bundle        ? signing::SignatureFormat::bundle
                                              : signing::SignatureFormat::sigstore;
    settings.gpg_fingerprint = options.sign_by;
    settings.platforms = options.platforms;
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
int sign_layout(const SignOptions& options, const signing::SignSettings& settings) {
    if (settings.format != signing::SignatureFormat::sigstore)
        throw ConfigError("oci: layouts take cosign signatures only (--key), not --bundle or --sign-by");
    if (options.identity.empty())
        throw ConfigError("an oci: layout has no docker reference: give the signed identity with --identity REF");
    const std::string rest = options.image.substr(std::string("oci:").size());
    const std::size_t colon = rest.find(':');
    const std::string directory = rest.substr(0, colon);
    const std::string ref_name = colon == std::string::npos ? "" : rest.substr(colon + 1);
    const DockerReference identity = parse_normalized_named(options.identity);
    for (const auto& manifest : signing::sign_oci_layout(directory, ref_name, identity, settings))
        std::cout << "Signed " << options.image << " " << describe(manifest) << "\n";
    return exit_accepted;
}

int sign_single(const SignOptions& options, const signing::SignSettings& settings) {
    if (options.image.rfind("oci:", 0) == 0) return sign_layout(options, settings);
    const DockerReference ref = single_image_reference(options.image);
    const auto client = make_client(options, [](const std::string& line) { std::cerr << "DEBU " << line << "\n"; });
    for (const auto& manifest : signing::sign_image(*client, ref, settings))
        std::cout << "Signed " << ref.string() << " " << describe(manifest) << "\n";
    return exit_accepted;
}

// SIGINT/SIGTERM: no new image starts, requests in flight are cancelled (an
// image cut short has at most unreferenced blobs: tags are written last), and
// every line not signed goes to the failed list, so that it resumes the run.
int sign_list(const SignOptions& options, const signing::SignSettings& settings) {
    validate::validate_overrides(options.overrides);
    const std::string list_text = read_required_file(options.list_file, max_image_list_bytes, "image list");
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    InterruptWatch interrupts([cancel] { cancel->store(true); });  // before any thread starts
    std::istringstream counting(list_text);
    ValidateProgress progress(std::cerr, validate::count_list_entries(counting), isatty(STDERR_FILENO) == 1);
    const auto client = make_client(options, [&progress](const std::string& line) {
        progress.print_line("DEBU [" + validate::current_job_label() + "] " + line);
    }, cancel);
    std::ofstream failed(options.failed_file, std::ios::binary | std::ios::trunc);
    if (!failed) throw ConfigError("cannot write " + options.failed_file);
    std::istringstream list(list_text);
    signing::SignRun run;
    run.jobs = static_cast<std::size_t>(options.jobs);
    run.overrides = options.overrides;
    run.failed_list = &failed;
    run.stop = &interrupts.stop_requested();
    run.not_checked_reason = [&interrupts] { return interrupts.not_checked_reason(); };
    run.on_finished = [&progress](const validate::ImageReport& report) { progress.image_finished(report); };
    const validate::ReportSummary summary = signing::sign_list(*client, list, settings, run);
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
    std::optional<signing::PrivateKey> key;
    if (!options.key_file.empty()) {
        // Loaded (and its password checked) before anything is read or pushed.
        const std::string pem = read_required_file(options.key_file, max_key_file_bytes, "key file");
        key.emplace(signing::PrivateKey::load(pem, cosign_password_source(options.key_file, false), options.key_file));
    }
    const signing::SignSettings settings = sign_settings(options, key ? &*key : nullptr);
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
    cmd->add_option("-a,--arch", o->platforms.architectures, "Platform architectures to sign (comma separated)")->delimiter(',')->capture_default_str();
    cmd->add_option("--os", o->platforms.oses, "Platform OSes to sign (comma separated)")->delimiter(',')->capture_default_str();
    cmd->add_option("-j,--jobs", o->jobs, "Images signed at once (1-64)")->check(CLI::Range(1, 64))->capture_default_str();
    cmd->add_option("-o,--failed", o->failed_file, "File for the images that could not be signed")->capture_default_str();
    cmd->add_option("--timeout", o->timeout, "Time limit per image (Go duration, 0 = none)")->capture_default_str();
    add_registry_access_options(cmd, o->registry, "Directory of registries.d configuration (GPG lookaside)");
    cmd->add_flag("--debug", o->debug, "Log each request to stderr");
    return [o]() -> int { return run_sign(*o); };
}

}  // namespace imgtrust::cli
