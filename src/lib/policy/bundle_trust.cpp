#include "policy/bundle_trust.hpp"

#include <ctime>

#include "imgtrust/errors.hpp"
#include "sigstore/trusted_root.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"

namespace imgtrust::policy {

std::shared_ptr<const sigstore::TrustedRoot> load_requirement_trusted_root(const std::string& location,
                                                                           const SigstoreSignedRequirement& requirement) {
    if (requirement.trusted_root_data)
        return std::make_shared<const sigstore::TrustedRoot>(
            sigstore::parse_trusted_root(*requirement.trusted_root_data, location + ".trustedRootData"));
    if (!requirement.trusted_root_path) return nullptr;
    const std::string& path = *requirement.trusted_root_path;
    const std::string origin = location + ".trustedRootPath " + path;
    std::optional<std::string> contents;
    try {
        contents = util::read_file_bounded(path, sigstore::max_trusted_root_bytes, "trusted root");
    } catch (const FetchError& e) {
        throw ConfigError(origin + ": " + e.what());
    }
    if (!contents) throw ConfigError(origin + ": no such file");
    return std::make_shared<const sigstore::TrustedRoot>(sigstore::parse_trusted_root(*contents, origin));
}

std::shared_ptr<const sigstore::TrustedRoot> trusted_root_from_policy_material(const std::vector<signature::Certificate>& fulcio_cas,
                                                                               const std::vector<signature::PublicKey>& rekor_keys,
                                                                               const std::string& location) {
    // caPath and rekorPublicKey* carry no validity window: trusted at any time, as in c/image.
    const sigstore::ValidityWindow always{std::time_t{0}, std::nullopt};
    auto root = std::make_shared<sigstore::TrustedRoot>();
    root->origin_description = location + " (fulcio CA and rekorPublicKey* of the policy)";
    for (const signature::Certificate& certificate : fulcio_cas)
        root->certificate_authorities.push_back(
            {.uri = "", .subject = certificate.subject(), .chain = {certificate}, .valid_for = always});
    for (const signature::PublicKey& key : rekor_keys) {
        std::string log_id = util::raw_digest(util::DigestAlgorithm::sha256, key.subject_public_key_info_der());
        root->tlogs.push_back({.base_url = location + ".rekorPublicKey*",
                               .log_id = log_id,
                               .checkpoint_key_id = "",
                               .origin = "",
                               .key = key,
                               .valid_for = always,
                               .key_details = ""});
    }
    return root;
}

std::vector<signature::Certificate> trusted_root_fulcio_certificates(const sigstore::TrustedRoot& root) {
    std::vector<signature::Certificate> certificates;
    for (const sigstore::CertificateAuthority& authority : root.certificate_authorities)
        certificates.insert(certificates.end(), authority.chain.begin(), authority.chain.end());
    return certificates;
}

std::vector<signature::PublicKey> trusted_root_rekor_set_keys(const sigstore::TrustedRoot& root) {
    std::vector<signature::PublicKey> keys;
    for (const sigstore::TransparencyLog& log : root.tlogs)
        if (log.key.is_ecdsa()) keys.push_back(log.key);
    return keys;
}

}  // namespace imgtrust::policy
