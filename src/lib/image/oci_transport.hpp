// The oci: transport: an image in an OCI image layout directory (index.json,
// blobs/<algorithm>/<hex>), selected by its "org.opencontainers.image.ref.name"
// annotation, by "@N" (a position in index.json), or as the only image.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/go_json.hpp"
#include "image/layout_files.hpp"
#include "imgtrust/image.hpp"

namespace imgtrust::image {

inline constexpr std::string_view oci_ref_name_annotation = "org.opencontainers.image.ref.name";

class OciReference final : public ImageReference {
public:
    // `within` is what follows "oci:": PATH, PATH:NAME or PATH:@INDEX.
    // Throws InvalidReferenceError for a bad NAME or INDEX.
    static std::unique_ptr<OciReference> parse(std::string_view within);

    std::string transport_name() const override { return "oci"; }
    std::string string_with_transport() const override;
    // The reference name is not part of the identity: "PATH:NAME" and "PATH:"
    // may be the same image, so scopes are the resolved directory and its parents.
    std::string policy_identity() const override { return resolved_dir_; }
    std::vector<std::string> policy_namespaces() const override;
    std::optional<DockerReference> docker_reference() const override { return std::nullopt; }
    std::unique_ptr<ImageSource> open(const SystemContext& context) const override;

private:
    OciReference(std::string dir, std::string image, std::optional<std::size_t> source_index);

    std::string dir_;
    std::string resolved_dir_;
    std::string image_;                       // the ref.name to look up, or empty
    std::optional<std::size_t> source_index_;  // "@N"; never set together with image_
};

// The oci-archive: transport: a tar archive of an OCI layout, "oci-archive:PATH[:NAME]".
// Scopes are those of oci: (the resolved archive path and its parents); the
// image is read by the oci: layout reader over the archive (layout_archive.cpp).
class OciArchiveReference final : public ImageReference {
public:
    // `within` is what follows "oci-archive:": PATH or PATH:NAME (no "@N", as in c/image).
    // Throws InvalidReferenceError for a bad NAME.
    static std::unique_ptr<OciArchiveReference> parse(std::string_view within);

    std::string transport_name() const override { return "oci-archive"; }
    std::string string_with_transport() const override { return "oci-archive:" + file_ + ":" + image_; }
    std::string policy_identity() const override { return resolved_file_; }
    std::vector<std::string> policy_namespaces() const override;
    std::optional<DockerReference> docker_reference() const override { return std::nullopt; }
    std::unique_ptr<ImageSource> open(const SystemContext& context) const override;

private:
    OciArchiveReference(std::string file, std::string image);

    std::string file_;
    std::string resolved_file_;
    std::string image_;
};

// c/image's ValidateImageName for oci: and oci-archive: names: empty, or
// "/"-separated components of the OCI ref.name grammar.
bool is_valid_oci_image_name(std::string_view name);

struct ReferrerSelection;  // image/bundle_referrers.hpp

// A `cosign save` layout is searched for Sigstore bundle referrers by reading
// its small blobs; a layout with more blob files than this is refused.
inline constexpr std::size_t max_layout_blobs_scanned = 10000;

class OciImageSource final : public ImageSource {
public:
    using DebugLog = std::function<void(const std::string&)>;

    // Reads index.json from `files` (a layout directory or archive) and selects
    // the image's descriptor. Throws NotFoundError (no layout, no such name or
    // index) or FetchError (unreadable or ambiguous).
    OciImageSource(std::unique_ptr<LayoutFiles> files, const std::string& image, std::optional<std::size_t> source_index,
                   std::string image_name, DebugLog debug = {});

    // Manifests are read from blobs/ and must match the digest that names them.
    ManifestBlob manifest(const std::string& instance_digest = {}) override;
    // Sigstore signatures stored as cosign attachments in the layout: the
    // manifest named "sha256-<hex>.sig", and for an image written by
    // `cosign save`, the entry annotated kind=dev.cosignproject.cosign/sigs; then
    // Sigstore bundle referrers (oci_bundles.cpp): index.json entries with a
    // bundle artifactType and, in a `cosign save` layout, blobs whose subject is
    // the manifest.
    std::vector<UntrustedSignature> signatures(const std::string& instance_digest = {}) override;

private:
    void read_index();
    void select_descriptor(const std::string& image, std::optional<std::size_t> source_index);
    std::optional<std::string> read_verified_blob(const std::string& digest, std::size_t max_bytes, const std::string& what) const;
    std::vector<const Descriptor*> attachment_manifests(const std::string& digest) const;
    void append_attachment_signatures(const Descriptor& attachment, std::vector<UntrustedSignature>& signatures) const;
    void append_layout_bundles(const std::string& digest, std::vector<UntrustedSignature>& signatures) const;
    void scan_layout_referrers(const std::string& digest, ReferrerSelection& selection) const;

    std::unique_ptr<LayoutFiles> files_;
    std::string image_name_;
    std::vector<Descriptor> index_manifests_;
    Descriptor descriptor_;
    DebugLog debug_;
};

}  // namespace imgtrust::image
