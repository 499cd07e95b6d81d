#include "policy/trust_cache.hpp"

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"

namespace imgtrust::policy {
namespace {

constexpr std::size_t max_key_file_bytes = 4 * 1024 * 1024;

std::string read_key_file(const std::string& path, const std::string& location, const std::string& field) {
    try {
        auto contents = util::read_file_bounded(path, max_key_file_bytes, "key file");
        if (!contents) throw ConfigError(location + ": " + field + " " + path + ": no such file");
        return *contents;
    } catch (const FetchError& e) {
        throw ConfigError(location + ": " + field + ": " + e.what());
    }
}

struct KeySource {
    std::string origin;  // for messages: `<location>.keyPaths[1] /etc/keys/a.pub`
    std::string bytes;
};

// Collects the bytes of whichever of the four key fields is set (the parser
// guarantees at most one).
std::vector<KeySource> collect_key_sources(const std::string& location, const std::optional<std::string>& path,
                                           const std::optional<std::vector<std::string>>& paths,
                                           const std::optional<std::string>& data,
                                           const std::optional<std::vector<std::string>>& datas) {
    std::vector<KeySource> sources;
    if (path) sources.push_back({location + ".keyPath " + *path, read_key_file(*path, location, "keyPath")});
    if (paths) {
        for (std::size_t i = 0; i < paths->size(); ++i) {
            std::string field = "keyPaths[" + std::to_string(i) + "]";
            sources.push_back({location + "." + field + " " + (*paths)[i], read_key_file((*paths)[i], location, field)});
        }
    }
    if (data) sources.push_back({location + ".keyData", *data});
    if (datas) {
        for (std::size_t i = 0; i < datas->size(); ++i)
            sources.push_back({location + ".keyDatas[" + std::to_string(i) + "]", (*datas)[i]});
    }
    return sources;
}

}  // namespace

const std::vector<signature::PublicKey>& TrustCache::sigstore_public_keys(const Requirement& requirement,
                                                                         const SigstoreSignedRequirement& sigstore) {
    auto found = public_keys_.find(&requirement);
    if (found != public_keys_.end()) return found->second;
    std::vector<signature::PublicKey> keys;
    for (const auto& source : collect_key_sources(requirement.location, sigstore.key_path, sigstore.key_paths,
                                                  sigstore.key_data, sigstore.key_datas)) {
        // c/image parses one PEM public key per source; later blocks are not trusted.
        keys.push_back(signature::load_public_keys_pem(source.bytes, source.origin).front());
    }
    return public_keys_.emplace(&requirement, std::move(keys)).first->second;
}

const signature::GpgKeyring& TrustCache::gpg_keyring(const Requirement& requirement, const SignedByRequirement& signed_by) {
    auto found = keyrings_.find(&requirement);
    if (found != keyrings_.end()) return *found->second;
    std::vector<std::string> blobs;
    std::vector<KeySource> sources =
        collect_key_sources(requirement.location, signed_by.key_path, signed_by.key_paths, signed_by.key_data, std::nullopt);
    for (auto& source : sources) blobs.push_back(std::move(source.bytes));
    auto keyring = std::make_unique<signature::GpgKeyring>(blobs);
    if (!blobs.empty() && keyring->trusted_fingerprints().empty())
        throw ConfigError(requirement.location + ": no GPG public keys could be imported from the configured key data");
    return *keyrings_.emplace(&requirement, std::move(keyring)).first->second;
}

}  // namespace imgtrust::policy
