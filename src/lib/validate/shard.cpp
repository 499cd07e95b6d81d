#include "validate/shard.hpp"

#include <charconv>
#include <set>
#include <variant>

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"
#include "validate/report_writer.hpp"

namespace imgtrust::validate {
namespace {

std::optional<std::size_t> decimal(std::string_view text) {
    if (text.empty() || text.size() > 7) return std::nullopt;  // max_shard_count has 7 digits
    std::size_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// Length-prefixed, so that no two different settings give the same text.
void add_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(" ").append(std::to_string(value.size())).append(":").append(value).append("\n");
}

void add_list(std::string& out, std::string_view name, const std::vector<std::string>& values) {
    add_field(out, name, std::to_string(values.size()));
    for (const auto& value : values) add_field(out, name, value);
}

// Trust files are small; a bigger one is fingerprinted as unreadable (the
// policy loader refuses it anyway).
constexpr std::size_t max_trust_file_bytes = 64 * 1024 * 1024;

std::string file_fingerprint(const std::string& path) {
    try {
        auto bytes = util::read_file_bounded(path, max_trust_file_bytes, "trust file");
        return bytes ? util::Digest::of(util::DigestAlgorithm::sha256, *bytes).string() : "missing";
    } catch (const Error&) {
        return "unreadable";
    }
}

// Every file a requirement reads trust from, and every inline key, CA or root.
struct TrustSources {
    std::set<std::string> files;
    std::set<std::string> data_digests;

    void file(const std::optional<std::string>& path) {
        if (path) files.insert(*path);
    }
    void files_of(const std::optional<std::vector<std::string>>& paths) {
        if (paths) files.insert(paths->begin(), paths->end());
    }
    void data(const std::optional<std::string>& bytes) {
        if (bytes) data_digests.insert(util::Digest::of(util::DigestAlgorithm::sha256, *bytes).string());
    }
    void datas(const std::optional<std::vector<std::string>>& values) {
        if (values)
            for (const auto& bytes : *values) data(bytes);
    }

    void add(const SignedByRequirement& r) {
        file(r.key_path);
        files_of(r.key_paths);
        data(r.key_data);
    }
    void add(const SigstoreSignedRequirement& r) {
        file(r.key_path);
        files_of(r.key_paths);
        data(r.key_data);
        datas(r.key_datas);
        file(r.rekor_public_key_path);
        files_of(r.rekor_public_key_paths);
        data(r.rekor_public_key_data);
        datas(r.rekor_public_key_datas);
        file(r.trusted_root_path);
        data(r.trusted_root_data);
        if (r.fulcio) {
            file(r.fulcio->ca_path);
            data(r.fulcio->ca_data);
        }
        if (r.pki) {
            file(r.pki->ca_roots_path);
            data(r.pki->ca_roots_data);
            file(r.pki->ca_intermediates_path);
            data(r.pki->ca_intermediates_data);
        }
    }
    template <class Other>
    void add(const Other&) {}

    void add_all(const Requirements& requirements) {
        for (const auto& requirement : requirements) std::visit([this](const auto& r) { add(r); }, requirement.value);
    }
};

void add_trust_options(std::string& out, const TrustOptions& t) {
    add_list(out, "key", t.key_paths);
    add_field(out, "exact-repository", t.exact_repository);
    add_field(out, "match-repository", t.match_repository ? "true" : "false");
    add_field(out, "policy", t.policy_path);
    add_field(out, "insecure-policy", t.insecure_policy ? "true" : "false");
    add_field(out, "fulcio-ca", t.fulcio_ca_path);
    add_list(out, "rekor-public-key", t.rekor_key_paths);
    add_field(out, "certificate-oidc-issuer", t.certificate_oidc_issuer);
    add_field(out, "certificate-oidc-issuer-regexp", t.certificate_oidc_issuer_regexp);
    add_field(out, "certificate-identity", t.certificate_identity);
    add_field(out, "certificate-identity-regexp", t.certificate_identity_regexp);
    add_field(out, "certificate-github-workflow-trigger", t.github_workflow_trigger);
    add_field(out, "certificate-github-workflow-sha", t.github_workflow_sha);
    add_field(out, "certificate-github-workflow-name", t.github_workflow_name);
    add_field(out, "certificate-github-workflow-repository", t.github_workflow_repository);
    add_field(out, "certificate-github-workflow-ref", t.github_workflow_ref);
    add_field(out, "ca-roots", t.ca_roots_path);
    add_field(out, "ca-intermediates", t.ca_intermediates_path);
    add_field(out, "certificate-hostname", t.certificate_hostname);
    add_field(out, "trusted-root", t.trusted_root_path);
    add_field(out, "match-digest-only", t.match_digest_only ? "true" : "false");
}

}  // namespace

ShardSelection parse_shard(std::string_view text) {
    const std::string quoted = "--shard \"" + std::string(text) + "\"";
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        throw ConfigError(quoted + ": expected K/N, shard K (0-based) of N, e.g. 0/4");
    const auto index = decimal(text.substr(0, slash));
    const auto count = decimal(text.substr(slash + 1));
    if (!index || !count) throw ConfigError(quoted + ": K and N must be decimal numbers (K/N, e.g. 0/4)");
    if (*count < 1 || *count > max_shard_count)
        throw ConfigError(quoted + ": N must be between 1 and " + std::to_string(max_shard_count));
    if (*index >= *count)
        throw ConfigError(quoted + ": K must be between 0 and " + std::to_string(*count - 1) +
                          " (shards are 0-based, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX)");
    return {*index, *count};
}

std::string settings_fingerprint_text(const TrustOptions& trust, const Policy& policy, const ReportHeader& header) {
    std::string out = "imgtrust validate settings 1\n";
    add_trust_options(out, trust);
    add_field(out, "report-policy", header.policy);
    add_list(out, "arch", header.architectures);
    add_list(out, "os", header.oses);
    add_field(out, "validate-manifest-index", header.validate_manifest_index ? "true" : "false");
    add_field(out, "registry", header.registry_override);
    add_field(out, "project", header.project_override);
    TrustSources sources;
    if (!trust.policy_path.empty()) sources.files.insert(trust.policy_path);
    sources.add_all(policy.default_requirements);
    for (const auto& [transport, scopes] : policy.transports)
        for (const auto& [scope, requirements] : scopes) sources.add_all(requirements);
    for (const auto& path : sources.files) add_field(out, "file " + path, file_fingerprint(path));
    for (const auto& digest : sources.data_digests) add_field(out, "data", digest);
    return out;
}

ShardInfo make_shard_info(ShardSelection shard, std::string_view list_bytes, std::size_t list_entries,
                          const TrustOptions& trust, const Policy& policy, const ReportHeader& header) {
    const auto sha256 = [](std::string_view bytes) { return util::Digest::of(util::DigestAlgorithm::sha256, bytes).string(); };
    return {shard, list_entries, sha256(list_bytes), sha256(settings_fingerprint_text(trust, policy, header))};
}

}  // namespace imgtrust::validate
