// imgtrust verify-bundle: verify a Sigstore bundle for a file or a digest, as
// the sigstore-conformance CLI protocol (docs/cli_protocol.md) specifies it:
//   verify-bundle [--staging] --bundle FILE (--certificate-identity ID
//   --certificate-oidc-issuer URL | --key PATH) [--trusted-root FILE] FILE_OR_DIGEST
#include <iostream>
#include <memory>
#include <sys/stat.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "imgtrust/bundle.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/files.hpp"

namespace imgtrust::cli {
namespace {

constexpr std::size_t max_artifact_bytes = 256 * 1024 * 1024;
constexpr std::size_t max_key_bytes = 1024 * 1024;

struct VerifyBundleOptions {
    bool staging = false;
    std::string bundle_path;
    std::string certificate_identity;
    std::string certificate_oidc_issuer;
    std::string key_path;
    std::string trusted_root_path;
    std::string file_or_digest;
};

// A named input file; a missing or unreadable one is a usage error.
std::string read_input(const std::string& path, std::size_t max_bytes, const std::string& role) {
    std::optional<std::string> bytes;
    try {
        bytes = read_file_bounded(path, max_bytes, role);
    } catch (const FetchError& e) {
        throw ConfigError(e.what());
    }
    if (!bytes) throw ConfigError(role + " " + path + " does not exist");
    return *bytes;
}

// "The digest should start with the sha256: prefix, should be the right length
// for a hexadecimal SHA-256 digest, and should not be a path on disk. If any of
// those conditions are not met, the input should be interpreted as a filepath."
BundleArtifact artifact_from_argument(const std::string& argument) {
    struct stat status {};
    bool is_path = ::stat(argument.c_str(), &status) == 0;
    if (!is_path)
        if (auto digest = BundleArtifact::of_sha256_digest(argument)) return *digest;
    return BundleArtifact::of_bytes(read_input(argument, max_artifact_bytes, "artifact"));
}

BundleVerifier trusting_root(const VerifyBundleOptions& options) {
    if (!options.trusted_root_path.empty())
        return BundleVerifier(read_input(options.trusted_root_path, max_trusted_root_bytes, "trusted root"), options.trusted_root_path);
    if (options.staging)
        throw ConfigError("--staging: no trusted root of the Sigstore staging instance is available offline; "
                          "pass the staging trusted_root.json with --trusted-root");
    return BundleVerifier();
}

void check_usage(const VerifyBundleOptions& options) {
    bool keyed = !options.key_path.empty();
    bool identity = !options.certificate_identity.empty() || !options.certificate_oidc_issuer.empty();
    if (keyed && identity) throw ConfigError("--key cannot be combined with --certificate-identity or --certificate-oidc-issuer");
    if (!keyed && (options.certificate_identity.empty() || options.certificate_oidc_issuer.empty()))
        throw ConfigError("give either --key, or both --certificate-identity and --certificate-oidc-issuer");
}

void print_result(const BundleVerification& result) {
    std::cout << "Verified OK: " << (result.dsse_envelope ? "DSSE envelope (" + result.payload_type + ")" : "message signature") << "\n";
    if (result.has_certificate) {
        std::cout << "  certificate issuer: " << result.certificate_issuer << "\n";
        for (const auto& name : result.certificate_sans) std::cout << "  subject alternative name: " << name << "\n";
        if (!result.certificate_oidc_issuer.empty()) std::cout << "  OIDC issuer: " << result.certificate_oidc_issuer << "\n";
    } else {
        std::cout << "  key: " << result.key_algorithm << " " << result.key_fingerprint << "\n";
    }
    if (!result.predicate_type.empty()) std::cout << "  predicate type: " << result.predicate_type << "\n";
    for (const auto& time : result.signing_times)
        std::cout << "  time (" << time.source << "): " << format_rfc3339_utc(time.time) << " from " << time.authority << "\n";
    std::cout << "  verified transparency log entries: " << result.verified_tlog_entries << "\n";
}

int run_verify_bundle(const VerifyBundleOptions& options) {
    check_usage(options);
    BundleVerifier verifier = trusting_root(options);
    if (!options.key_path.empty())
        verifier.trust_public_keys(read_input(options.key_path, max_key_bytes, "key file"), options.key_path);
    else
        verifier.require_certificate_identity(options.certificate_identity, options.certificate_oidc_issuer);
    std::string bundle = read_input(options.bundle_path, max_sigstore_bundle_bytes, "bundle");
    BundleArtifact artifact = artifact_from_argument(options.file_or_digest);
    BundleVerification result = verifier.verify(bundle, artifact);
    if (!result.verified) {
        std::cerr << "Error: bundle " << options.bundle_path << " not verified: " << result.rejection_reason << "\n";
        return exit_rejected;
    }
    print_result(result);
    return exit_accepted;
}

}  // namespace

CommandAction register_verify_bundle_command(CLI::App& app) {
    auto options = std::make_shared<VerifyBundleOptions>();
    CLI::App* command = app.add_subcommand("verify-bundle", "Verify a Sigstore bundle (cosign v3, sigstore-conformance protocol) for a file or a digest");
    command->add_flag("--staging", options->staging, "Use the Sigstore staging instance (needs --trusted-root: no staging root is built in)");
    command->add_option("--bundle", options->bundle_path, "The Sigstore bundle (JSON) to verify")->required();
    command->add_option("--certificate-identity", options->certificate_identity,
                        "Expected identity: a subject alternative name of the signing certificate, compared exactly");
    command->add_option("--certificate-oidc-issuer", options->certificate_oidc_issuer, "Expected OIDC issuer recorded in the Fulcio certificate");
    command->add_option("--key", options->key_path, "PEM public key that signed the bundle (instead of a certificate identity)");
    command->add_option("--trusted-root", options->trusted_root_path,
                        "trusted_root.json to use instead of the built-in Sigstore public-good root");
    command->add_option("FILE_OR_DIGEST", options->file_or_digest,
                        "The artifact, or its digest as sha256:<64 hex> (when no such file exists); for an in-toto DSSE bundle, a subject's digest")
        ->required();
    return [command, options]() -> int {
        if (!command->parsed()) return exit_usage_or_config;
        return run_verify_bundle(*options);
    };
}

}  // namespace imgtrust::cli
