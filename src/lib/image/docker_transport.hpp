// The docker:// transport: an image in a registry implementing the Docker
// Registry HTTP API V2, read through the shared RegistryPool. Only manifests
// and signatures are read, never image layers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/registries_d.hpp"
#include "imgtrust/image.hpp"
#include "registry/lookaside.hpp"
#include "registry/manifest_cache.hpp"
#include "registry/registry_pool.hpp"

namespace imgtrust::image {

class DockerImageReference final : public ImageReference {
public:
    // `within` is what follows "docker:" and must start with "//": the rest is
    // parsed as ParseNormalizedNamed does, a name-only reference gets ":latest",
    // and a tag together with a digest is refused. Throws InvalidReferenceError.
    static std::unique_ptr<DockerImageReference> parse(std::string_view within);
    explicit DockerImageReference(DockerReference ref);

    std::string transport_name() const override { return "docker"; }
    // "docker://" + the familiar form ("docker://busybox:latest").
    std::string string_with_transport() const override;
    // The full reference with its tag or digest ("docker.io/library/busybox:latest").
    std::string policy_identity() const override;
    // Repository, parent namespaces, host[:port], then "*.domain" wildcards.
    std::vector<std::string> policy_namespaces() const override;
    std::optional<DockerReference> docker_reference() const override { return ref_; }
    // Reads registries.d and opens the image through the context's pool.
    std::unique_ptr<ImageSource> open(const SystemContext& context) const override;

private:
    DockerReference ref_;
};

// Docker's FamiliarString: "docker.io/library/busybox:latest" → "busybox:latest".
std::string familiar_docker_string(const DockerReference& ref);

class DockerImageSource final : public ImageSource {
public:
    using DebugLog = std::function<void(const std::string&)>;

    // `storage` decides where signatures are looked for; `read_attachments`
    // is storage.use_sigstore_attachments or SystemContext::force_sigstore_attachments.
    // `pool` (if any) is kept alive as long as the client and lookaside reader that use it;
    // `manifest_cache` (if any) holds manifests by digest across images.
    DockerImageSource(DockerReference ref, std::unique_ptr<registry::RepositoryClient> client,
                      config::SignatureStorage storage, bool read_attachments, registry::LookasideReader lookaside,
                      DebugLog debug_log, std::shared_ptr<registry::RegistryPool> pool = nullptr,
                      registry::ManifestCache* manifest_cache = nullptr);

    // The manifest by tag or digest (top level) or by instance digest; each is
    // fetched once and then served from memory. A manifest wanted by digest is
    // taken from the pool's manifest cache when an earlier image fetched it.
    ManifestBlob manifest(const std::string& instance_digest = {}) override;
    // c/image's order: simple signatures from the OpenShift signature API when
    // the registry announced it (X-Registry-Supports-Signatures: 1 on a manifest
    // response), else from lookaside storage, then (when enabled) the
    // layers of the "sha256-<hex>.sig" sigstore attachment manifest, then (under
    // the same setting) the Sigstore bundles attached as OCI 1.1 referrers.
    std::vector<UntrustedSignature> signatures(const std::string& instance_digest = {}) override;

private:
    registry::FetchedManifest fetch_manifest(const std::string& tag_or_digest);
    std::string manifest_digest(const std::string& instance_digest);
    void append_lookaside_signatures(const std::string& digest, std::vector<UntrustedSignature>& signatures);
    void append_extension_signatures(const std::string& digest, std::vector<UntrustedSignature>& signatures);
    void append_attachment_signatures(const std::string& digest, std::vector<UntrustedSignature>& signatures);
    void append_referrer_bundles(const std::string& digest, std::vector<UntrustedSignature>& signatures);
    void debug(const std::string& line) const;

    std::shared_ptr<registry::RegistryPool> pool_;  // declared first: destroyed last
    DockerReference ref_;
    std::string image_name_;
    std::unique_ptr<registry::RepositoryClient> client_;
    config::SignatureStorage storage_;
    bool read_attachments_;
    registry::LookasideReader lookaside_;
    DebugLog debug_log_;
    registry::ManifestCache* manifest_cache_;
    std::map<std::string, ManifestBlob> manifests_;  // "" is the top-level manifest
    std::string top_manifest_digest_;                // sha256 of manifests_[""]'s bytes, once fetched
    bool supports_signature_extension_ = false;      // a manifest response said X-Registry-Supports-Signatures: 1
};

}  // namespace imgtrust::image
