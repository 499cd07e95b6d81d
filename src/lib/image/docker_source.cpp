// Reading a docker:// image: manifests from the registry, simple signatures
// from the OpenShift signature API or lookaside storage and sigstore signatures from "sha256-<hex>.sig"
// attachments, in c/image's order (dockerImageSource.GetSignaturesWithFormat),
// then Sigstore bundles attached as OCI 1.1 referrers (cosign v3).
#include "image/docker_transport.hpp"

#include "image/bundle_referrers.hpp"
#include "image/extension_signatures.hpp"
#include "image/manifest_format.hpp"
#include "image/signature_blob.hpp"
#include "imgtrust/errors.hpp"
#include "registry/referrers.hpp"

namespace imgtrust::image {

DockerImageSource::DockerImageSource(DockerReference ref, std::unique_ptr<registry::RepositoryClient> client,
                                     config::SignatureStorage storage, bool read_attachments,
                                     registry::LookasideReader lookaside, DebugLog debug_log,
                                     std::shared_ptr<registry::RegistryPool> pool, registry::ManifestCache* manifest_cache)
    : pool_(std::move(pool)),
      ref_(std::move(ref)),
      image_name_("docker://" + familiar_docker_string(ref_)),
      client_(std::move(client)),
      storage_(std::move(storage)),
      read_attachments_(read_attachments),
      lookaside_(std::move(lookaside)),
      debug_log_(std::move(debug_log)),
      manifest_cache_(manifest_cache) {}

void DockerImageSource::debug(const std::string& line) const {
    if (debug_log_) debug_log_(line);
}

// A digest names one byte string, so a manifest wanted by digest may come from
// the cache; whatever is fetched is kept there under the digest of its bytes.
registry::FetchedManifest DockerImageSource::fetch_manifest(const std::string& tag_or_digest) {
    const std::optional<util::Digest> by_digest = util::Digest::parse(tag_or_digest);
    if (by_digest && manifest_cache_) {
        if (auto cached = manifest_cache_->find(ref_.name(), tag_or_digest)) {
            debug("Using manifest " + tag_or_digest + " of " + ref_.name() + " fetched earlier");
            supports_signature_extension_ = supports_signature_extension_ || cached->supports_signature_extension;
            return std::move(*cached);
        }
    }
    registry::FetchedManifest fetched = client_->get_manifest(tag_or_digest);
    // The client checks digest references; checking again here costs one hash.
    if (by_digest && !by_digest->matches(fetched.bytes))
        throw FetchError(image_name_ + ": manifest for " + tag_or_digest + " does not match its digest");
    if (fetched.digest.empty()) fetched.digest = sha256_digest(fetched.bytes);  // the client normally sets it
    supports_signature_extension_ = supports_signature_extension_ || fetched.supports_signature_extension;
    if (manifest_cache_) manifest_cache_->store(ref_.name(), by_digest ? tag_or_digest : fetched.digest, fetched);
    return fetched;
}

ManifestBlob DockerImageSource::manifest(const std::string& instance_digest) {
    if (const auto cached = manifests_.find(instance_digest); cached != manifests_.end()) return cached->second;
    if (!instance_digest.empty()) require_valid_digest(instance_digest, image_name_ + ": instance");
    const std::string& wanted = !instance_digest.empty() ? instance_digest : !ref_.digest.empty() ? ref_.digest : ref_.tag;
    registry::FetchedManifest fetched = fetch_manifest(wanted);
    ManifestBlob blob{std::move(fetched.bytes), std::move(fetched.media_type)};
    if (blob.media_type.empty()) blob.media_type = guess_manifest_media_type(blob.bytes);
    reject_unsupported_manifest(blob, image_name_);
    if (instance_digest.empty()) top_manifest_digest_ = std::move(fetched.digest);
    return manifests_.emplace(instance_digest, std::move(blob)).first->second;
}

// The digest signatures are stored under: the instance's, the reference's
// sha256 digest, or the digest of the manifest fetched for the tag.
std::string DockerImageSource::manifest_digest(const std::string& instance_digest) {
    if (!instance_digest.empty()) {
        require_valid_digest(instance_digest, image_name_ + ": instance");
        return instance_digest;
    }
    if (ref_.digest.rfind("sha256:", 0) == 0) return ref_.digest;
    manifest();  // fetches the top-level manifest once, recording the sha256 of its bytes
    return top_manifest_digest_;
}

std::vector<UntrustedSignature> DockerImageSource::signatures(const std::string& instance_digest) {
    const std::string digest = manifest_digest(instance_digest);
    std::vector<UntrustedSignature> signatures;
    // GetSignaturesWithFormat: "case s.c.supportsSignatures:" the API extension, else lookaside.
    if (supports_signature_extension_)
        append_extension_signatures(digest, signatures);
    else
        append_lookaside_signatures(digest, signatures);
    if (read_attachments_) {
        append_attachment_signatures(digest, signatures);
        append_referrer_bundles(digest, signatures);
    } else {
        debug("Not looking for sigstore attachments: disabled by configuration");
    }
    return signatures;
}

void DockerImageSource::append_lookaside_signatures(const std::string& digest, std::vector<UntrustedSignature>& signatures) {
    if (!storage_.lookaside) return;
    debug("Reading lookaside signatures of " + digest + " from " + registry::redacted_url(*storage_.lookaside));
    const auto blobs = lookaside_.read(*storage_.lookaside, ref_.path, digest);
    for (std::size_t i = 0; i < blobs.size(); ++i) {
        const std::string where = image_name_ + ": lookaside signature-" + std::to_string(i + 1) + " of " + digest;
        signatures.push_back(parse_signature_blob(blobs[i], where));
    }
}

void DockerImageSource::append_extension_signatures(const std::string& digest, std::vector<UntrustedSignature>& signatures) {
    debug("Reading signatures of " + digest + " from the registry's signature API (X-Registry-Supports-Signatures)");
    const std::string where = image_name_ + ": signature API list of " + digest;
    const std::vector<std::string> blobs = decode_extension_signatures(client_->get_extension_signatures(digest), where);
    debug("The signature API lists " + std::to_string(blobs.size()) + " atomic signature(s)");
    for (const std::string& blob : blobs) signatures.push_back(SimpleSigningSignature{blob});
}

// containers-registries.d(5): "use-sigstore-attachments specifies whether
// sigstore image attachments (signatures, attestations and the like) are going
// to be read". Every layer is kept with its MIME type and annotations; the
// policy ignores layers that are not simple-signing payloads.
void DockerImageSource::append_attachment_signatures(const std::string& digest,
                                                     std::vector<UntrustedSignature>& signatures) {
    const std::string tag = sigstore_attachment_tag(digest);
    debug("Looking for sigstore attachments in " + ref_.name() + ":" + tag);
    const auto attachment = client_->find_manifest(tag);
    if (!attachment) {
        debug("No sigstore attachment manifest " + tag + ", assuming there are no sigstore signatures");
        return;
    }
    const std::string where = image_name_ + ": sigstore attachment manifest " + ref_.name() + ":" + tag;
    if (attachment->media_type != oci_manifest_media_type)
        throw FetchError(where + ": unexpected MIME type for sigstore attachment manifest \"" + attachment->media_type + "\"");
    const auto layers = oci_manifest_layers(attachment->bytes, where);
    if (layers.size() > max_signatures)
        throw FetchError(where + " has " + std::to_string(layers.size()) + " layers, more than the " +
                         std::to_string(max_signatures) + " signatures accepted");
    debug("Found a sigstore attachment manifest with " + std::to_string(layers.size()) + " layers");
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto& layer = layers[i];
        const util::Digest layer_digest = require_valid_digest(layer.digest, where + ": layer " + std::to_string(i + 1));
        if (layer.size < 0 || static_cast<std::uint64_t>(layer.size) > max_signature_bytes)
            throw FetchError(where + ": signature layer " + layer.digest + " has an unacceptable size " + std::to_string(layer.size));
        debug("Reading sigstore attachment " + std::to_string(i + 1) + "/" + std::to_string(layers.size()) + ": " + layer.digest);
        std::string payload = client_->get_blob(layer.digest, max_signature_bytes);
        if (!layer_digest.matches(payload))
            throw FetchError(where + ": signature layer " + layer.digest + " does not match its digest");
        signatures.push_back(SigstoreSignature{layer.media_type, std::move(payload), layer.annotations});
    }
}

// Sigstore bundles (cosign v3) are read under use-sigstore-attachments too, so
// that users who do not opt in pay no extra request. The listing asks the
// registry to filter by cosign's bundle media type and is filtered here again
// (a registry may ignore the filter: "If filtering is requested and applied,
// the response MUST include a header OCI-Filters-Applied").
void DockerImageSource::append_referrer_bundles(const std::string& digest, std::vector<UntrustedSignature>& signatures) {
    const std::string where = image_name_ + ": referrers of " + digest;
    debug("Looking for Sigstore bundle referrers of " + digest + " in " + ref_.name());
    ReferrerSelection selection;
    bool filtered = false;
    const registry::ReferrersSource source = client_->list_referrers(
        digest, std::string(sigstore_bundle_v03_media_type), [&](const registry::ReferrersPage& page) {
            std::vector<Descriptor> listed;
            try {
                if (page.from_tag_schema && page.media_type != oci_index_media_type)
                    throw FetchError("its media type is \"" + page.media_type + "\"");
                listed = parse_referrers_index(page.bytes, where);
            } catch (const FetchError& error) {
                // "If the response to the referrers API is a 404, and the tag schema does not return
                // a valid image index, the client SHOULD assume there are no referrers to the manifest."
                if (!page.from_tag_schema) throw;
                debug("The referrers tag of " + digest + " is not a valid OCI image index (" + error.what() +
                      "): assuming there are no referrers");
                return false;
            }
            filtered = filtered || page.artifact_type_filtered;
            select_bundle_referrers(listed, selection);
            if (selection.bundles.size() > max_signatures)
                throw FetchError(where + " lists more than " + std::to_string(max_signatures) + " Sigstore bundle referrers");
            return true;
        });
    const bool from_tag = source == registry::ReferrersSource::tag_schema;
    debug(std::string("Found ") + std::to_string(selection.bundles.size()) + " Sigstore bundle referrer(s) through the " +
          (from_tag ? "referrers tag " + registry::referrers_tag(digest) : "referrers API") +
          (filtered ? " (the registry filtered the list by artifactType)" : ""));
    if (debug_log_)
        for (const auto& line : describe_skipped_referrers(selection.skipped)) debug(line);
    ReferrerStore store;
    store.manifest = [this](const std::string& referrer) -> std::optional<std::string> {
        try {
            return fetch_manifest(referrer).bytes;
        } catch (const NotFoundError&) {
            return std::nullopt;
        }
    };
    store.blob = [this](const std::string& blob, std::size_t max_bytes) { return client_->get_blob(blob, max_bytes); };
    store.debug = debug_log_;
    image::append_bundle_referrers(selection.bundles, digest, from_tag ? "referrers-tag" : "referrers", store, where, signatures);
}

}  // namespace imgtrust::image
