// Referrer manifests and referrers lists shaped as cosign v3 writes them
// (pkg/oci/remote/write.go WriteReferrer): artifactType, an empty config, one
// bundle layer, the subject, and the dev.sigstore.bundle.* annotations.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "layout_builder.hpp"

namespace image_test {

inline constexpr std::string_view bundle_type = "application/vnd.dev.sigstore.bundle.v0.3+json";
inline constexpr std::string_view cosign_sign_predicate = "https://sigstore.dev/cosign/sign/v1";
inline const std::string empty_config_digest = imgtrust::sha256_digest("{}");

struct ReferrerSpec {
    std::string subject_digest;
    std::vector<DescriptorSpec> layers;
    std::string artifact_type = std::string(bundle_type);  // "" leaves artifactType out
    std::string config_media_type = "application/vnd.oci.empty.v1+json";
    std::map<std::string, std::string> annotations = {{"dev.sigstore.bundle.content", "dsse-envelope"},
                                                      {"dev.sigstore.bundle.predicateType", std::string(cosign_sign_predicate)}};
};

inline std::string referrer_manifest(const ReferrerSpec& spec) {
    std::string out = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",";
    if (!spec.artifact_type.empty()) out += "\"artifactType\":" + json_string(spec.artifact_type) + ",";
    out += "\"config\":{\"mediaType\":" + json_string(spec.config_media_type) + ",\"digest\":" +
           json_string(empty_config_digest) + ",\"size\":2},\"layers\":[";
    for (std::size_t i = 0; i < spec.layers.size(); ++i) out += (i ? "," : "") + descriptor_json(spec.layers[i]);
    out += "],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":" +
           json_string(spec.subject_digest) + ",\"size\":100}";
    if (!spec.annotations.empty()) out += ",\"annotations\":" + json_annotations(spec.annotations);
    return out + "}";
}

// A descriptor of a referrer as the referrers API lists it (artifactType and annotations copied).
inline std::string listed_referrer(const std::string& manifest, const std::string& artifact_type,
                                   const std::map<std::string, std::string>& annotations = {}) {
    std::string out = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":" +
                      json_string(imgtrust::sha256_digest(manifest)) + ",\"size\":" + std::to_string(manifest.size());
    if (!artifact_type.empty()) out += ",\"artifactType\":" + json_string(artifact_type);
    if (!annotations.empty()) out += ",\"annotations\":" + json_annotations(annotations);
    return out + "}";
}

inline std::string referrers_list(const std::vector<std::string>& listed) {
    std::string out = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[";
    for (std::size_t i = 0; i < listed.size(); ++i) out += (i ? "," : "") + listed[i];
    return out + "]}";
}

inline DescriptorSpec bundle_layer(const std::string& bundle, std::string media_type = std::string(bundle_type)) {
    return DescriptorSpec{std::move(media_type), imgtrust::sha256_digest(bundle), bundle.size(), {}, {}};
}

}  // namespace image_test
