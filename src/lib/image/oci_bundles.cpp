// Sigstore bundles in an OCI layout, as `cosign save` (v3) writes them: for
// each referrer it writes the referrer manifest, its empty config and its
// bundle layer into blobs/, then rewrites index.json for the next artifact and
// finally for the image (kind=dev.cosignproject.cosign/image), so index.json
// no longer names the referrers; only their `subject` links them to the image.
// `cosign load` finds them the same way: every blob that parses as a manifest
// whose subject is the image's digest. Other writers list referrers in
// index.json (with an artifactType), which is read too.
#include "image/bundle_referrers.hpp"
#include "image/local_files.hpp"
#include "image/manifest_format.hpp"
#include "image/oci_transport.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::image {
namespace {

constexpr std::string_view cosign_kind_annotation = "kind";

bool is_sha256_hex(const std::string& name) {
    return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool starts_like_json_object(std::string_view bytes) {
    const std::size_t first = bytes.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && bytes[first] == '{';
}

}  // namespace

// Blob files of blobs/sha256 that could be referrer manifests (regular, at most
// max_manifest_bytes, starting like a JSON object) and that name `digest` as
// their subject: bundle referrers into selection.bundles, others into .skipped.
// A layout with more than max_layout_blobs_scanned files there is refused.
void OciImageSource::scan_layout_referrers(const std::string& digest, ReferrerSelection& selection) const {
    const std::string what = image_name_ + ": looking for Sigstore bundle referrers";
    files_->visit_small_files("blobs/sha256", max_manifest_bytes, max_layout_blobs_scanned, what,
                              [&](const std::string& name, const std::string& bytes) {
        // Cheap filters first: a referrer manifest is a JSON object naming the digest (as cosign and
        // go-containerregistry write it; a writer escaping ':' would only hide its own referrer).
        if (!is_sha256_hex(name) || !starts_like_json_object(bytes) || bytes.find(digest) == std::string::npos) return;
        const std::string blob_digest = "sha256:" + name;
        ReferrerManifest inspected;
        try {
            inspected = inspect_referrer_manifest(bytes, digest, image_name_ + ": blob " + blob_digest);
        } catch (const FetchError&) {
            return;  // JSON that is not a manifest (an image config, ...)
        }
        if (!inspected.names_image) return;
        Descriptor found;
        found.media_type = std::string(oci_manifest_media_type);
        found.digest = blob_digest;
        found.size = static_cast<std::int64_t>(bytes.size());
        if (inspected.skip_reason.empty()) {
            found.artifact_type = std::string(sigstore_bundle_v03_media_type);  // checked again when read
            select_bundle_referrers({found}, selection);
        } else if (debug_) {
            debug_("Skipping layout referrer " + blob_digest + ": " + inspected.skip_reason);
        }
    });
}

void OciImageSource::append_layout_bundles(const std::string& digest, std::vector<UntrustedSignature>& signatures) const {
    ReferrerSelection selection;
    std::vector<Descriptor> listed;
    for (const auto& entry : index_manifests_)
        if (!entry.artifact_type.empty()) listed.push_back(entry);
    select_bundle_referrers(listed, selection);
    const auto kind = descriptor_.annotations.find(std::string(cosign_kind_annotation));
    if (kind != descriptor_.annotations.end()) scan_layout_referrers(digest, selection);
    if (debug_) {
        debug_("Found " + std::to_string(selection.bundles.size()) + " Sigstore bundle referrer(s) of " + digest +
               " in the OCI layout " + files_->display_path(""));
        for (const auto& line : describe_skipped_referrers(selection.skipped)) debug_(line);
    }
    ReferrerStore store;
    store.manifest = [this](const std::string& referrer) {
        return read_verified_blob(referrer, max_manifest_bytes, "referrer manifest");
    };
    store.blob = [this](const std::string& blob, std::size_t max_bytes) {
        auto bytes = read_verified_blob(blob, max_bytes, "Sigstore bundle layer");
        if (!bytes) throw FetchError(image_name_ + ": Sigstore bundle layer blob " + blob + " does not exist");
        return std::move(*bytes);
    };
    store.debug = debug_;
    append_bundle_referrers(selection.bundles, digest, "oci-layout", store, image_name_ + ": referrers of " + digest,
                            signatures);
}

}  // namespace imgtrust::image
