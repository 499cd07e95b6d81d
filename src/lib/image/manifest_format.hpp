// Manifest formats as c/image's manifest package knows them: media types, the
// type guessed from the bytes, digests, and the checks done before a manifest
// is used (unsupported schema1, ambiguous documents).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "image/go_json.hpp"
#include "imgtrust/image.hpp"
#include "util/digest.hpp"

namespace imgtrust::image {

inline constexpr std::string_view docker_schema1_media_type = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view docker_schema1_signed_media_type = "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view docker_schema2_media_type = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_schema2_config_media_type = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view docker_list_media_type = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view oci_manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index_media_type = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view oci_config_media_type = "application/vnd.oci.image.config.v1+json";

// c/image's GuessMIMEType: the media type the bytes claim or look like, "" if unknown.
std::string guess_manifest_media_type(std::string_view bytes);

// The declared media type if there is one, else the guessed one.
std::string effective_media_type(const ManifestBlob& manifest);

// Throws FetchError("schema1 manifests are not supported") for Docker schema1
// manifests (declared as such, as "application/json", or guessed from the bytes).
void reject_unsupported_manifest(const ManifestBlob& manifest, const std::string& where);

// The digest (util::Digest, go-digest's Parse) or a FetchError naming `what`.
util::Digest require_valid_digest(std::string_view digest, const std::string& what);

// The tag cosign and c/image use for sigstore attachments: "sha256-<hex>.sig".
std::string sigstore_attachment_tag(std::string_view digest);

// The layers of an OCI image manifest (a sigstore attachment). Throws FetchError.
std::vector<Descriptor> oci_manifest_layers(std::string_view bytes, const std::string& where);

}  // namespace imgtrust::image
