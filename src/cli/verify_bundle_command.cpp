// imgtrust verify-bundle: verify a Sigstore bundle for a file or a digest, as
// the sigstore-conformance CLI protocol (docs/cli_protocol.md) specifies it:
//   verify-bundle [--staging] --bundle FILE (--certificate-identity ID
//   --certificate-oidc-issuer URL | --key PATH) [--trusted-root FILE] FILE_OR_DIGEST
#include <iostream>
#include <memory>
#include <sys/stat.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "imgtrust/errors.hpp"
#include "signature/certificate_identity.hpp"
#include "signature/rejection.hpp"
#include "sigstore/bundle.hpp"
#include "sigstore/bundle_verifier.hpp"
#include "sigstore/public_good_root.hpp"
#include "sigstore/trusted_root.hpp"
#include "util/bytes.hpp"
#include "util/text.hpp"

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
        bytes = util::read_file_bounded(path, max_bytes, role);
    } catch (const FetchError& e) {
        throw ConfigError(e.what());
    }
    if (!bytes) throw ConfigError(role + " " + path + " does not exist");
    return *bytes;
}

// "The digest should start with the sha256: prefix, should be the right length
// for a hexadecimal SHA-256 digest, and should not be a path on disk. If any of
// those conditions are not met, the input should be interpreted as a filepath."
sigstore::ArtifactExpectation artifact_from_argument(const std::string& argument) {
    struct stat status {};
    bool is_path = ::stat(argument.c_str(), &status) == 0;
    if (!is_path && argument.rfind("sha256:", 0) == 0) {
        if (auto digest = util::Digest::parse(util::ascii_lowercase(argument))) return sigstore::ArtifactExpectation::of_digest(*digest);
    }
    return sigstore::ArtifactExpectation::of_bytes(read_input(argument, max_artifact_bytes, "artifact"));
}

const sigstore::TrustedRoot& choose_trusted_root(const VerifyBundleOptions& options, std::optional<sigstore::TrustedRoot>& storage) {
    if (!options.trusted_root_path.empty()) {
        storage = sigstore::parse_trusted_root(read_input(options.trusted_root_path, sigstore::max_trusted_root_bytes, "trusted root"),
                                               options.trusted_root_path);
        return *storage;
    }
    if (options.staging)
        throw ConfigError("--staging: no trusted root of the Sigstore staging instance is available offline; "
                          "pass the staging trusted_root.json with --trusted-root");
    return sigstore::public_good_trusted_root();
}

void check_usage(const VerifyBundleOptions& options) {
    bool keyed = !options.key_path.empty();
    bool identity = !options.certificate_identity.empty() || !options.certificate_oidc_issuer.empty();
    if (keyed && identity) throw ConfigError("--key cannot be combined with --certificate-identity or --certificate-oidc-issuer");
    if (!keyed && (options.certificate_identity.empty() || options.certificate_oidc_issuer.empty()))
        throw ConfigError("give either --key, or both --certificate-identity and --certificate-oidc-issuer");
}

void print_result(const sigstore::VerifiedBundle& result) {
    std::cout << "Verified OK: "
              << (result.content_kind == sigstore::ContentKind::dsse_envelope ? "DSSE envelope (" + result.payload_type + ")" : "message signature")
              << "\n";
    if (result.certificate) {
        std::cout << "  certificate issuer: " << result.certificate->issuer << "\n";
        for (const auto& name : result.certificate->subject_alternative_names) std::cout << "  subject alternative name: " << name << "\n";
        if (!result.certificate->oidc_issuer.empty()) std::cout << "  OIDC issuer: " << result.certificate->oidc_issuer << "\n";
    } else {
        std::cout << "  key: " << result.signing_key.algorithm() << " " << result.signing_key.fingerprint() << "\n";
    }
    if (!result.predicate_type.empty()) std::cout << "  predicate type: " << result.predicate_type << "\n";
    for (const auto& time : result.time_sources)
        std::cout << "  time (" << time.kind_name() << "): " << signature::rfc3339_utc(time.time) << " from " << time.authority << "\n";
    std::cout << "  verified transparency log entries: " << result.verified_tlog_entries << "\n";
}

int run_verify_bundle(const VerifyBundleOptions& options) {
    check_usage(options);
    std::optional<sigstore::TrustedRoot> storage;
    sigstore::BundleVerificationOptions verification;
    verification.trusted_root = &choose_trusted_root(options, storage);
    std::optional<signature::IdentityRequirement> identity;
    if (!options.key_path.empty()) {
        verification.trusted_keys = signature::load_public_keys_pem(read_input(options.key_path, max_key_bytes, "key file"), options.key_path);
        verification.observer_timestamp_threshold = 0;  // a key does not expire: no signing time is needed
    } else {
        signature::IdentityRequirementSpec spec;
        spec.subject = options.certificate_identity;
        spec.oidc_issuer = options.certificate_oidc_issuer;
        identity.emplace(spec);
        verification.check_identity = [&identity](const signature::Certificate& leaf) { signature::match_certificate_identity(leaf, *identity); };
    }
    std::string bundle = read_input(options.bundle_path, sigstore::max_bundle_bytes, "bundle");
    sigstore::ArtifactExpectation artifact = artifact_from_argument(options.file_or_digest);
    try {
        print_result(sigstore::verify_bundle(bundle, artifact, verification));
        return exit_accepted;
    } catch (const signature::SignatureRejected& e) {
        std::cerr << "Error: bundle " << options.bundle_path << " not verified: " << e.what() << "\n";
        return exit_rejected;
    }
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
