#include "validate/validation_policy.hpp"

#include "imgtrust/errors.hpp"
#include "imgtrust/reference.hpp"
#include "signature/public_key.hpp"
#include "util/bytes.hpp"

namespace imgtrust::validate {
namespace {

constexpr std::size_t max_key_file_bytes = 4 * 1024 * 1024;

void check_key_file(const std::string& path) {
    auto text = util::read_file_bounded(path, max_key_file_bytes, "public key");
    if (!text) throw ConfigError("public key file " + path + " does not exist");
    signature::load_public_keys_pem(*text, path);  // throws ConfigError when there is no valid key
}

SignedIdentity identity_for(const TrustOptions& options) {
    SignedIdentity identity;  // matchRepoDigestOrExact
    if (!options.exact_repository.empty()) {
        DockerReference repository;
        try {
            repository = parse_normalized_named(options.exact_repository);
        } catch (const InvalidReferenceError& e) {
            throw ConfigError("--exact-repository " + options.exact_repository + ": " + e.what());
        }
        if (!repository.is_name_only())
            throw ConfigError("--exact-repository " + options.exact_repository + ": must be a repository, without tag or digest");
        identity.kind = SignedIdentity::Kind::exact_repository;
        identity.docker_repository = options.exact_repository;
    } else if (options.match_repository) {
        identity.kind = SignedIdentity::Kind::match_repository;
    }
    return identity;
}

std::string describe(const TrustOptions& options, const SignedIdentity& identity) {
    std::string text = "in-memory policy: sigstoreSigned with ";
    for (std::size_t i = 0; i < options.key_paths.size(); ++i) text += (i ? ", " : "") + options.key_paths[i];
    text += std::string(", signedIdentity ") + identity_kind_name(identity.kind);
    if (identity.kind == SignedIdentity::Kind::exact_repository) text += " " + identity.docker_repository;
    return text;
}

void check_combination(const TrustOptions& options) {
    const int sources = (options.key_paths.empty() ? 0 : 1) + (options.policy_path.empty() ? 0 : 1) + (options.insecure_policy ? 1 : 0);
    if (sources == 0) throw ConfigError("no trust given: use -p/--sigstore-pubkey KEY (or -k/--key), or --policy FILE");
    if (sources > 1) throw ConfigError("use only one of -p/--sigstore-pubkey/-k/--key, --policy and --insecure-policy");
    if (!options.exact_repository.empty() && options.match_repository)
        throw ConfigError("--exact-repository and --match-repository cannot be used together");
    if (options.key_paths.empty() && (!options.exact_repository.empty() || options.match_repository))
        throw ConfigError("--exact-repository and --match-repository apply to the in-memory policy built from -p/--sigstore-pubkey keys");
}

}  // namespace

Policy build_validation_policy(const TrustOptions& options) {
    check_combination(options);
    if (options.insecure_policy) return insecure_accept_anything_policy();
    if (!options.policy_path.empty()) return load_policy_file(options.policy_path);
    for (const auto& path : options.key_paths) check_key_file(path);
    SigstoreSignedRequirement sigstore;
    if (options.key_paths.size() == 1) sigstore.key_path = options.key_paths.front();
    else sigstore.key_paths = options.key_paths;
    sigstore.signed_identity = identity_for(options);
    Policy policy;
    policy.source = describe(options, sigstore.signed_identity);
    policy.default_requirements.push_back(Requirement{sigstore, "default[0]"});
    policy.transports["docker"][""].push_back(Requirement{sigstore, "transports.docker[\"\"][0]"});
    return policy;
}

}  // namespace imgtrust::validate
