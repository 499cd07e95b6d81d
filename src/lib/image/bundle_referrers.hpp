// Sigstore bundles attached to an image as OCI 1.1 referrers, as cosign v3
// writes them (pkg/oci/remote/write.go, WriteAttestationNewBundleFormat): an
// OCI image manifest whose artifactType is the bundle media type, whose config
// is the empty descriptor (application/vnd.oci.empty.v1+json), whose `subject`
// is the signed image, and whose one layer is the bundle JSON, annotated
// dev.sigstore.bundle.content and dev.sigstore.bundle.predicateType.
// Shared by the docker:// (referrers API, referrers tag) and oci: sources. The
// bundles are returned unverified; src/lib/sigstore verifies them.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "image/go_json.hpp"
#include "imgtrust/image.hpp"

namespace imgtrust::image {

// The bundle media types of sigstore_bundle.proto: "application/vnd.dev.sigstore.bundle+json;version=0.1",
// 0.2 and 0.3, and, from v0.3 on, "application/vnd.dev.sigstore.bundle.v0.3+json" (what cosign v3 writes).
inline constexpr std::string_view sigstore_bundle_v03_media_type = "application/vnd.dev.sigstore.bundle.v0.3+json";
bool is_sigstore_bundle_media_type(std::string_view media_type);

// The descriptors of a referrers list (an OCI image index: the referrers API's
// answer, the referrers tag schema's manifest, or an OCI layout's index.json).
// Throws FetchError naming `where` when the bytes are not such an index.
std::vector<Descriptor> parse_referrers_index(std::string_view bytes, const std::string& where);

// A listing split by artifactType: the bundle referrers to read, the others
// (SBOMs, attestations, cosign's own .sig-format artifacts) skipped.
struct ReferrerSelection {
    std::vector<Descriptor> bundles;
    std::vector<Descriptor> skipped;
};
// Appends `listed` to `selection`, each by its artifactType; a digest already
// selected is not selected twice.
void select_bundle_referrers(const std::vector<Descriptor>& listed, ReferrerSelection& selection);

// One line per skipped referrer for --debug (at most `max_lines`, then a count).
std::vector<std::string> describe_skipped_referrers(const std::vector<Descriptor>& skipped, std::size_t max_lines = 32);

// Where the bundle referrers' manifests and blobs come from.
struct ReferrerStore {
    // The manifest with this digest, verified against it and at most
    // max_manifest_bytes; nullopt if the store does not hold it.
    std::function<std::optional<std::string>(const std::string& digest)> manifest;
    // The blob with this digest, verified against it, at most max_bytes.
    std::function<std::string(const std::string& digest, std::size_t max_bytes)> blob;
    std::function<void(const std::string&)> debug;  // may be empty
};

// Reads each selected bundle referrer of the image `image_digest` and appends
// one SigstoreBundleSignature per bundle layer, in listing order. A referrer
// whose manifest is missing, is not an OCI image manifest, does not declare a
// bundle artifactType, or whose `subject` is another manifest is skipped (and
// logged). More than max_signatures bundle referrers, a bundle layer larger than
// max_signature_bytes, or a layer whose bytes do not match its descriptor's
// digest and size is a FetchError naming `where`.
void append_bundle_referrers(const std::vector<Descriptor>& bundles, const std::string& image_digest,
                             const std::string& found_in, const ReferrerStore& store, const std::string& where,
                             std::vector<UntrustedSignature>& signatures);

// The checks on one referrer manifest (exposed for tests): its bundle layers
// when it is a bundle referrer of `image_digest`, else empty with the reason.
struct ReferrerManifest {
    std::vector<Descriptor> bundle_layers;
    std::string skip_reason;       // empty when bundle_layers may be read
    bool names_image = false;      // an OCI image manifest whose subject is image_digest
};
ReferrerManifest inspect_referrer_manifest(std::string_view bytes, const std::string& image_digest, const std::string& where);

}  // namespace imgtrust::image
