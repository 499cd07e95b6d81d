#include "image/manifest_format.hpp"

#include "imgtrust/errors.hpp"

namespace imgtrust::image {
namespace {

bool is_list_type(std::string_view type) { return type == docker_list_media_type || type == oci_index_media_type; }
bool is_single_image_type(std::string_view type) { return type == oci_manifest_media_type || type == docker_schema2_media_type; }

// c/image's ValidateUnambiguousManifestFormat: a document of one kind must not
// carry the top-level fields that identify another kind.
void require_unambiguous(const JsonValue& document, std::string_view type, const std::string& where) {
    bool config = false, fs_layers = false, history = false, layers = false, manifests = false;
    decode_struct(document, {
        {"config", [&](const JsonValue& v) { decode_presence(v, config); }},
        {"fslayers", [&](const JsonValue& v) { decode_presence(v, fs_layers); }},
        {"history", [&](const JsonValue& v) { decode_presence(v, history); }},
        {"layers", [&](const JsonValue& v) { decode_presence(v, layers); }},
        {"manifests", [&](const JsonValue& v) { decode_presence(v, manifests); }},
    });
    std::vector<std::string> unexpected;
    const bool list = is_list_type(type);
    if (config && list) unexpected.push_back("config");
    if (fs_layers) unexpected.push_back("fsLayers");
    if (history) unexpected.push_back("history");
    if (layers && list) unexpected.push_back("layers");
    if (manifests && !list) unexpected.push_back("manifests");
    if (unexpected.empty()) return;
    std::string names;
    for (const auto& name : unexpected) names += (names.empty() ? "\"" : ", \"") + name + "\"";
    throw FetchError(where + ": rejecting ambiguous manifest, unexpected fields [" + names + "] in supposedly " + std::string(type));
}

std::unique_ptr<rapidjson::Document> parse_manifest_object(std::string_view bytes, const std::string& where) {
    auto document = parse_json(bytes, TrailingData::reject);
    if (!document || !document->IsObject()) throw FetchError(where + " is not a JSON object");
    return document;
}

// Checked on the JSON array, before any descriptor is decoded.
void require_bounded_instance_count(const JsonValue& manifests) {
    if (!manifests.IsArray() || manifests.Size() <= max_manifest_list_instances) return;
    throw FetchError("the manifest list has " + std::to_string(manifests.Size()) + " instances, more than the " +
                     std::to_string(max_manifest_list_instances) + " accepted");
}

std::vector<Descriptor> decode_list_entries(const JsonValue& document, std::string_view type) {
    std::vector<Descriptor> entries;
    std::int64_t schema_version = 0;
    std::string media_type, artifact_type;
    if (type == docker_list_media_type) {
        decode_struct(document, {
            {"schemaversion", [&](const JsonValue& v) { decode_int64(v, schema_version); }},
            {"mediatype", [&](const JsonValue& v) { decode_string(v, media_type); }},
            {"manifests", [&](const JsonValue& v) {
                 require_bounded_instance_count(v);
                 decode_descriptor_list(v, entries, DescriptorSchema::docker_list_entry);
             }},
        });
        return entries;
    }
    Descriptor subject;
    std::map<std::string, std::string> annotations;
    decode_struct(document, {
        {"schemaversion", [&](const JsonValue& v) { decode_int64(v, schema_version); }},
        {"mediatype", [&](const JsonValue& v) { decode_string(v, media_type); }},
        {"artifacttype", [&](const JsonValue& v) { decode_string(v, artifact_type); }},
        {"manifests", [&](const JsonValue& v) {
             require_bounded_instance_count(v);
             decode_descriptor_list(v, entries, DescriptorSchema::oci);
         }},
        {"subject", [&](const JsonValue& v) { decode_descriptor(v, subject, DescriptorSchema::oci); }},
        {"annotations", [&](const JsonValue& v) { decode_string_map(v, annotations); }},
    });
    return entries;
}

}  // namespace

std::string guess_manifest_media_type(std::string_view bytes) {
    auto document = parse_json(bytes, TrailingData::reject);
    if (!document) return {};
    try {
        std::string media_type;
        std::int64_t schema_version = 0;
        bool signatures = false;
        decode_struct(*document, {
            {"mediatype", [&](const JsonValue& v) { decode_string(v, media_type); }},
            {"schemaversion", [&](const JsonValue& v) { decode_int64(v, schema_version); }},
            {"signatures", [&](const JsonValue& v) { decode_presence(v, signatures); }},
        });
        if (is_list_type(media_type) || is_single_image_type(media_type)) return media_type;
        if (schema_version == 1)
            return std::string(signatures ? docker_schema1_signed_media_type : docker_schema1_media_type);
        if (schema_version != 2) return {};
        // Before image-spec 1.0.2 OCI documents had no mediaType: look at the config, then at "manifests".
        std::string config_media_type;
        decode_struct(*document, {{"config", [&](const JsonValue& config) {
                                       decode_struct(config, {{"mediatype", [&](const JsonValue& v) { decode_string(v, config_media_type); }}});
                                   }}});
        if (config_media_type == oci_config_media_type) return std::string(oci_manifest_media_type);
        if (config_media_type == docker_schema2_config_media_type) return std::string(docker_schema2_media_type);
        std::vector<Descriptor> manifests;
        decode_struct(*document, {{"manifests", [&](const JsonValue& v) { decode_descriptor_list(v, manifests, DescriptorSchema::oci); }}});
        if (!manifests.empty()) return config_media_type.empty() ? std::string(oci_index_media_type) : config_media_type;
        return std::string(oci_manifest_media_type);  // most likely an artifact with a custom config type
    } catch (const JsonDecodeError&) {
        return {};
    }
}

std::string effective_media_type(const ManifestBlob& manifest) {
    return manifest.media_type.empty() ? guess_manifest_media_type(manifest.bytes) : manifest.media_type;
}

void reject_unsupported_manifest(const ManifestBlob& manifest, const std::string& where) {
    const std::string type = effective_media_type(manifest);
    if (type == docker_schema1_media_type || type == docker_schema1_signed_media_type || type == "application/json")
        throw FetchError(where + ": schema1 manifests are not supported");
}

util::Digest require_valid_digest(std::string_view digest, const std::string& what) {
    std::optional<util::Digest> parsed = util::Digest::parse(digest);
    if (!parsed) throw FetchError(what + ": invalid digest \"" + std::string(digest) + "\"");
    return std::move(*parsed);
}

std::string sigstore_attachment_tag(std::string_view digest) {
    std::string tag(digest);
    if (const auto colon = tag.find(':'); colon != std::string::npos) tag[colon] = '-';
    return tag + ".sig";
}

std::vector<Descriptor> oci_manifest_layers(std::string_view bytes, const std::string& where) {
    auto document = parse_manifest_object(bytes, where);
    try {
        std::int64_t schema_version = 0;
        std::string media_type, artifact_type;
        Descriptor config, subject;
        std::vector<Descriptor> layers;
        std::map<std::string, std::string> annotations;
        decode_struct(*document, {
            {"schemaversion", [&](const JsonValue& v) { decode_int64(v, schema_version); }},
            {"mediatype", [&](const JsonValue& v) { decode_string(v, media_type); }},
            {"artifacttype", [&](const JsonValue& v) { decode_string(v, artifact_type); }},
            {"config", [&](const JsonValue& v) { decode_descriptor(v, config, DescriptorSchema::oci); }},
            {"layers", [&](const JsonValue& v) { decode_descriptor_list(v, layers, DescriptorSchema::oci); }},
            {"subject", [&](const JsonValue& v) { decode_descriptor(v, subject, DescriptorSchema::oci); }},
            {"annotations", [&](const JsonValue& v) { decode_string_map(v, annotations); }},
        });
        require_unambiguous(*document, oci_manifest_media_type, where);
        return layers;
    } catch (const JsonDecodeError& error) {
        throw FetchError(where + ": " + error.what());
    }
}

}  // namespace imgtrust::image

namespace imgtrust {

std::string sha256_digest(std::string_view bytes) { return util::Digest::of(util::DigestAlgorithm::sha256, bytes).string(); }

bool is_manifest_list(const ManifestBlob& manifest) {
    auto document = image::parse_manifest_object(manifest.bytes, "the manifest");
    image::reject_unsupported_manifest(manifest, "the manifest");
    const std::string type = image::effective_media_type(manifest);
    image::require_unambiguous(*document, type, "the manifest");
    return image::is_list_type(type);
}

std::vector<ManifestInstance> manifest_list_instances(const ManifestBlob& list) {
    auto document = image::parse_manifest_object(list.bytes, "the manifest list");
    const std::string type = image::effective_media_type(list);
    if (!image::is_list_type(type))
        throw FetchError("the manifest (" + (type.empty() ? std::string("of unknown type") : type) + ") is not a manifest list");
    std::vector<image::Descriptor> entries;
    try {
        entries = image::decode_list_entries(*document, type);
    } catch (const image::JsonDecodeError& error) {
        throw FetchError(std::string("parsing the manifest list: ") + error.what());
    }
    image::require_unambiguous(*document, type, "the manifest list");
    std::vector<ManifestInstance> instances;
    for (auto& entry : entries)
        instances.push_back({std::move(entry.digest), std::move(entry.media_type), std::move(entry.os),
                             std::move(entry.architecture), std::move(entry.variant)});
    return instances;
}

}  // namespace imgtrust
