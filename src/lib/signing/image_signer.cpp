#include "signing/image_signer.hpp"

#include <chrono>

#include "config/registries_d.hpp"
#include "registry/registry_pool.hpp"
#include "registry/upload.hpp"
#include "signing/attachments.hpp"
#include "signing/gpg_signer.hpp"
#include "signing/lookaside_writer.hpp"
#include "signing/signature_payloads.hpp"

namespace imgtrust::signing {
namespace {

std::string platform_of(const ManifestInstance& instance) {
    std::string text = instance.os + "/" + instance.architecture;
    return instance.variant.empty() ? text : text + "/" + instance.variant;
}

class Session {
public:
    Session(const SystemContext& context, const DockerReference& ref, const SignerSettings& settings)
        : context_(context),
          ref_(ref),
          settings_(settings),
          pool_(registry::RegistryPool::for_context(context)),
          reader_(pool_->repository(ref)),
          writer_(settings.format == SignatureFormat::gpg ? nullptr : pool_->writer(ref)) {
        if (settings.format == SignatureFormat::gpg) {
            // Where the signatures go is settled before anything is read or signed.
            lookaside_ = lookaside_for_writing(config::load_registries_d(context.registries_d), ref);
            require_writable_lookaside(lookaside_);
        }
    }

    registry::FetchedManifest manifest(const std::string& tag_or_digest) { return reader_->get_manifest(tag_or_digest); }

    SignedManifest sign(const registry::FetchedManifest& manifest, const std::string& platform) {
        const auto digest = util::Digest::parse(manifest.digest);
        if (!digest) throw FetchError("the registry's manifest digest " + manifest.digest + " is not valid");
        SignedManifest signed_manifest;
        signed_manifest.digest = manifest.digest;
        signed_manifest.platform = platform;
        const std::string identity = ref_.string();
        switch (settings_.format) {
        case SignatureFormat::sigstore:
            signed_manifest.already_signed = !attach_cosign_signature(
                *reader_, *writer_, *digest, make_cosign_payload(identity, *digest), *settings_.key);
            break;
        case SignatureFormat::bundle:
            attach_bundle(*reader_, *writer_, SubjectDescriptor{manifest.media_type, manifest.digest, manifest.bytes.size()},
                          make_image_bundle(*settings_.key, ref_.name(), *digest),
                          settings_.empty_config_locations->repository_holding(ref_.domain));
            settings_.empty_config_locations->remember(ref_.domain, ref_.path);
            break;
        case SignatureFormat::gpg: {
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            const std::string payload =
                make_atomic_payload(identity, *digest, std::chrono::duration_cast<std::chrono::seconds>(now).count());
            const std::string signature = gpg_sign_payload(settings_.gpg_fingerprint, payload, settings_.gnupg_home);
            signed_manifest.written_to = write_lookaside_signature(lookaside_, ref_.path, *digest, signature);
            break;
        }
        }
        return signed_manifest;
    }

private:
    const SystemContext& context_;
    DockerReference ref_;
    const SignerSettings& settings_;
    std::shared_ptr<registry::RegistryPool> pool_;
    std::unique_ptr<registry::RepositoryClient> reader_;
    std::unique_ptr<registry::RepositoryWriter> writer_;
    std::string lookaside_;  // gpg: the base URL signatures are written to
};

}  // namespace

std::optional<std::string> SharedBlobLocations::repository_holding(const std::string& registry_host) const {
    std::lock_guard lock(mutex_);
    const auto found = by_host_.find(registry_host);
    if (found == by_host_.end()) return std::nullopt;
    return found->second;
}

void SharedBlobLocations::remember(const std::string& registry_host, const std::string& repository_path) {
    std::lock_guard lock(mutex_);
    by_host_.emplace(registry_host, repository_path);
}

std::vector<SignedManifest> sign_docker_image(const SystemContext& context, const DockerReference& ref,
                                              const SignerSettings& settings) {
    if (settings.format != SignatureFormat::gpg && !settings.key) throw ConfigError("no signing key");
    Session session(context, ref, settings);
    const registry::FetchedManifest top = session.manifest(ref.digest.empty() ? ref.tag : ref.digest);
    // Every manifest to sign is read before the first signature is written.
    std::vector<std::pair<registry::FetchedManifest, std::string>> targets{{top, ""}};
    const ManifestBlob blob{top.bytes, top.media_type};
    if (is_manifest_list(blob)) {
        for (const auto& instance : manifest_list_instances(blob)) {
            if (!settings.select_instance(instance)) continue;
            targets.emplace_back(session.manifest(instance.digest), platform_of(instance));
        }
    }
    std::vector<SignedManifest> signed_manifests;
    for (const auto& [manifest, platform] : targets) signed_manifests.push_back(session.sign(manifest, platform));
    return signed_manifests;
}

}  // namespace imgtrust::signing
