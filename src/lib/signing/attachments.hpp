// Where imgtrust puts the signatures it makes in a registry, as cosign does:
// - the legacy sigstore attachment: an OCI image manifest tagged
//   "sha256-<hex>.sig" whose layers are simple-signing payloads
//   (application/vnd.dev.cosign.simplesigning.v1+json) each carrying its
//   base64 signature in the dev.cosignproject.cosign/signature annotation, and
//   whose config is the image config go-containerregistry's mutate.Append
//   makes from an empty image (cosign pkg/oci/mutate, pkg/oci/static);
// - a cosign v3 bundle as an OCI 1.1 referrer: an image manifest with
//   artifactType application/vnd.dev.sigstore.bundle.v0.3+json, the empty
//   config, the bundle as its one layer and `subject` naming the signed manifest,
//   PUT by digest; where the registry does not process `subject` (no
//   OCI-Subject in its answer) the referrers tag schema index is updated.
// Blobs are pushed first and the tag last, so a refused push leaves nothing
// new referenced. No transparency log is written to (offline signing).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/registry_pool.hpp"
#include "registry/upload.hpp"
#include "signing/signing_key.hpp"
#include "util/digest.hpp"

namespace imgtrust::signing {

inline constexpr const char* cosign_simplesigning_media_type = "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr const char* cosign_signature_annotation = "dev.cosignproject.cosign/signature";
inline constexpr const char* sigstore_bundle_v03_media_type = "application/vnd.dev.sigstore.bundle.v0.3+json";
inline constexpr const char* oci_empty_media_type = "application/vnd.oci.empty.v1+json";
// Layers kept from an existing attachment (cosign reads at most 1000).
inline constexpr std::size_t max_attachment_layers = 1000;

// One descriptor of a .sig manifest's layer.
struct SignatureLayer {
    std::string media_type;
    std::string digest;
    std::uint64_t size = 0;
    std::map<std::string, std::string> annotations;
};

// The .sig image after appending one signature.
struct SignatureAttachment {
    std::string config;    // the config blob
    std::string manifest;  // the manifest to tag
    bool already_present = false;  // an identical signature was there: nothing to push
};

// The existing layers of an attachment manifest (untrusted bytes from the
// registry). Throws FetchError when it is not an OCI/Docker image manifest,
// has more than max_attachment_layers layers, or a layer lacks a valid digest.
std::vector<SignatureLayer> parse_attachment_layers(const std::string& untrusted_manifest);

// The attachment with `payload` signed by `base64_signature` appended after the
// `existing` layers, in go-containerregistry's serialisation (descriptor fields
// mediaType, size, digest, annotations; config with one history entry per
// layer). `is_duplicate(layer)` says whether an existing layer is the same
// signature (cosign's dupe detector: same payload, verified by the same key);
// then the attachment is unchanged.
SignatureAttachment append_signature(const std::vector<SignatureLayer>& existing, const std::string& payload,
                                     const std::string& base64_signature,
                                     const std::function<bool(const SignatureLayer&)>& is_duplicate);

// The attachment with `key`'s signature over `payload` appended to `existing`,
// or nullopt when the same key already signed the same payload there (cosign's
// duplicate detector). Shared by the registry and the OCI layout writers.
std::optional<SignatureAttachment> signed_attachment(const std::vector<SignatureLayer>& existing,
                                                     const std::string& payload, const SigningKey& key);

// Signs `payload` (a cosign simple-signing payload for the manifest `signed_digest`)
// and appends it to repository's sha256-<hex>.sig attachment, keeping every
// existing signature. Returns false when the same key had already signed the
// same payload (nothing pushed). Throws FetchError.
bool attach_cosign_signature(registry::RepositoryClient& reader, registry::RepositoryWriter& writer,
                             const util::Digest& signed_digest, const std::string& payload, const SigningKey& key);

struct SubjectDescriptor {
    std::string media_type;
    std::string digest;
    std::uint64_t size = 0;
};

// The referrer manifest holding `bundle` for `subject` (cosign v3's layout).
std::string bundle_referrer_manifest(const SubjectDescriptor& subject, const std::string& bundle,
                                     const std::string& created);

// Pushes the bundle referrer by digest and, when the registry lacks the
// referrers API, adds it to the referrers tag index sha256-<hex> (existing
// entries kept). The empty config blob is the same for every referrer:
// `empty_config_from` names another repository of the same registry that holds
// it (a cross-repository mount instead of an upload). Returns the referrer
// manifest's digest. Throws FetchError.
std::string attach_bundle(registry::RepositoryClient& reader, registry::RepositoryWriter& writer,
                          const SubjectDescriptor& subject, const std::string& bundle,
                          const std::optional<std::string>& empty_config_from = std::nullopt);

}  // namespace imgtrust::signing
