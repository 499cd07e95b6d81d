// Legacy cosign signatures for an image in an OCI layout (`oci:PATH[:REF]`),
// stored the way imgtrust verify and skopeo copy of a registry's `.sig` tag
// leave them: the attachment manifest and its blobs in blobs/sha256/, listed in
// index.json with org.opencontainers.image.ref.name = "sha256-<hex>.sig"
// (an existing entry of that name is read, kept signatures appended, and the
// entry replaced). Blobs are written first and index.json last, by rename.
// Bundles and GPG signatures are not written to layouts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "imgtrust/image.hpp"
#include "imgtrust/reference.hpp"
#include "signing/image_signer.hpp"
#include "signing/signing_key.hpp"

namespace imgtrust::signing {

// Signs the image `ref_name` names in the layout at `layout_dir` (empty: the
// layout's only image) and the instances `select_instance` selects, with
// `identity` as the payload's docker-reference (a layout has no docker
// reference of its own). Throws NotFoundError (no such layout or image),
// FetchError (an unreadable or inconsistent layout, a write failure).
std::vector<SignedManifest> sign_oci_layout(const std::string& layout_dir, const std::string& ref_name,
                                            const DockerReference& identity, const SigningKey& key,
                                            const std::function<bool(const ManifestInstance&)>& select_instance);

}  // namespace imgtrust::signing
