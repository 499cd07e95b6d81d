#include "image/bundle_referrers.hpp"

#include <algorithm>

#include "image/manifest_format.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::image {
namespace {

constexpr std::string_view bundle_media_type_prefix = "application/vnd.dev.sigstore.bundle+json;version=";
constexpr std::string_view predicate_type_annotation = "dev.sigstore.bundle.predicateType";
constexpr std::string_view cosign_sign_predicate_type = "https://sigstore.dev/cosign/sign/v1";

// Why a referrer with this artifactType and these annotations is not an image
// signature bundle ("" if it may be one). cosign writes attestations as bundle
// referrers too, telling them apart by the predicateType annotation; the
// annotation is unverified, so it only ever skips a referrer (the verifier
// checks the predicateType inside the bundle of every referrer kept).
std::string not_a_signature_bundle(const std::string& artifact_type, const std::map<std::string, std::string>& annotations) {
    if (!is_sigstore_bundle_media_type(artifact_type))
        return "artifactType \"" + artifact_type + "\" is not a Sigstore bundle";
    const auto predicate = annotations.find(std::string(predicate_type_annotation));
    if (predicate != annotations.end() && predicate->second != cosign_sign_predicate_type)
        return "a Sigstore bundle with predicateType \"" + predicate->second + "\" (an attestation, not an image signature)";
    return {};
}

// A referrer manifest's own fields: artifactType, config media type, subject, layers.
struct ReferrerFields {
    std::string media_type;
    std::string artifact_type;
    Descriptor config;
    Descriptor subject;
    std::vector<Descriptor> layers;
    bool has_manifests = false;
    std::map<std::string, std::string> annotations;
};

ReferrerFields decode_referrer_manifest(const JsonValue& document) {
    ReferrerFields fields;
    std::int64_t schema_version = 0;
    decode_struct(document, {
        {"schemaversion", [&](const JsonValue& v) { decode_int64(v, schema_version); }},
        {"mediatype", [&](const JsonValue& v) { decode_string(v, fields.media_type); }},
        {"artifacttype", [&](const JsonValue& v) { decode_string(v, fields.artifact_type); }},
        {"config", [&](const JsonValue& v) { decode_descriptor(v, fields.config, DescriptorSchema::oci); }},
        {"layers", [&](const JsonValue& v) { decode_descriptor_list(v, fields.layers, DescriptorSchema::oci); }},
        {"subject", [&](const JsonValue& v) { decode_descriptor(v, fields.subject, DescriptorSchema::oci); }},
        {"manifests", [&](const JsonValue& v) { decode_presence(v, fields.has_manifests); }},
        {"annotations", [&](const JsonValue& v) { decode_string_map(v, fields.annotations); }},
    });
    return fields;
}

// The layers the bundle is in, once the descriptor's declared size is acceptable.
void check_bundle_layer(const Descriptor& layer, const std::string& where) {
    require_valid_digest(layer.digest, where + ": bundle layer");
    if (layer.size < 0 || static_cast<std::uint64_t>(layer.size) > max_signature_bytes)
        throw FetchError(where + ": bundle layer " + layer.digest + " has an unacceptable size " + std::to_string(layer.size));
}

void log_line(const ReferrerStore& store, const std::string& line) {
    if (store.debug) store.debug(line);
}

}  // namespace

bool is_sigstore_bundle_media_type(std::string_view media_type) {
    if (media_type == sigstore_bundle_v03_media_type) return true;
    if (media_type.substr(0, bundle_media_type_prefix.size()) != bundle_media_type_prefix) return false;
    const std::string_view version = media_type.substr(bundle_media_type_prefix.size());
    return version == "0.1" || version == "0.2" || version == "0.3";
}

std::vector<Descriptor> parse_referrers_index(std::string_view bytes, const std::string& where) {
    auto document = parse_json(bytes, TrailingData::reject);
    if (!document || !document->IsObject()) throw FetchError(where + " is not a JSON object");
    std::string media_type;
    std::vector<Descriptor> manifests;
    bool has_manifests = false, has_layers = false, has_config = false;
    try {
        decode_struct(*document, {
            {"mediatype", [&](const JsonValue& v) { decode_string(v, media_type); }},
            {"manifests", [&](const JsonValue& v) {
                 has_manifests = !v.IsNull();
                 decode_descriptor_list(v, manifests, DescriptorSchema::oci);
             }},
            {"layers", [&](const JsonValue& v) { decode_presence(v, has_layers); }},
            {"config", [&](const JsonValue& v) { decode_presence(v, has_config); }},
        });
    } catch (const JsonDecodeError& error) {
        throw FetchError(where + ": " + error.what());
    }
    // "Upon success, the response MUST be a JSON body with an image index containing a list of descriptors."
    if (!media_type.empty() && media_type != oci_index_media_type)
        throw FetchError(where + ": media type \"" + media_type + "\" is not an OCI image index");
    if (has_layers || has_config) throw FetchError(where + ": an image manifest, not an OCI image index");
    if (!has_manifests && media_type.empty()) throw FetchError(where + ": not an OCI image index (no \"manifests\")");
    return manifests;
}

void select_bundle_referrers(const std::vector<Descriptor>& listed, ReferrerSelection& selection) {
    for (const auto& descriptor : listed) {
        const bool seen = std::any_of(selection.bundles.begin(), selection.bundles.end(),
                                      [&](const Descriptor& chosen) { return chosen.digest == descriptor.digest; });
        if (seen) continue;
        if (not_a_signature_bundle(descriptor.artifact_type, descriptor.annotations).empty()) {
            selection.bundles.push_back(descriptor);
        } else {
            selection.skipped.push_back(descriptor);
        }
    }
}

std::vector<std::string> describe_skipped_referrers(const std::vector<Descriptor>& skipped, std::size_t max_lines) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < skipped.size() && i < max_lines; ++i) {
        const auto& descriptor = skipped[i];
        lines.push_back("Skipping referrer " + descriptor.digest + ": " +
                        not_a_signature_bundle(descriptor.artifact_type, descriptor.annotations));
    }
    if (skipped.size() > max_lines)
        lines.push_back("Skipping " + std::to_string(skipped.size() - max_lines) + " more referrers that are not image signature bundles");
    return lines;
}

ReferrerManifest inspect_referrer_manifest(std::string_view bytes, const std::string& image_digest, const std::string& where) {
    auto document = parse_json(bytes, TrailingData::reject);
    if (!document || !document->IsObject()) throw FetchError(where + " is not a JSON object");
    ReferrerFields fields;
    try {
        fields = decode_referrer_manifest(*document);
    } catch (const JsonDecodeError& error) {
        throw FetchError(where + ": " + error.what());
    }
    ReferrerManifest result;
    const std::string type = fields.media_type.empty() ? guess_manifest_media_type(bytes) : fields.media_type;
    // image-spec: "If the artifactType is empty or missing in the image manifest,
    // the value of artifactType MUST be set to the config descriptor mediaType value."
    const std::string artifact_type = fields.artifact_type.empty() ? fields.config.media_type : fields.artifact_type;
    if (type != oci_manifest_media_type || fields.has_manifests) {
        result.skip_reason = "it is a \"" + type + "\", not an OCI image manifest";
        return result;
    }
    if (fields.subject.digest != image_digest) {
        result.skip_reason = "its subject is " + (fields.subject.digest.empty() ? "missing" : fields.subject.digest) +
                             ", not " + image_digest;
        return result;
    }
    result.names_image = true;
    if (const std::string reason = not_a_signature_bundle(artifact_type, fields.annotations); !reason.empty()) {
        result.skip_reason = "by its manifest, " + reason;
        return result;
    }
    for (const auto& layer : fields.layers)
        if (is_sigstore_bundle_media_type(layer.media_type)) result.bundle_layers.push_back(layer);
    if (result.bundle_layers.empty()) result.skip_reason = "it has no layer with a Sigstore bundle media type";
    return result;
}

void append_bundle_referrers(const std::vector<Descriptor>& bundles, const std::string& image_digest,
                             const std::string& found_in, const ReferrerStore& store, const std::string& where,
                             std::vector<UntrustedSignature>& signatures) {
    if (bundles.size() > max_signatures)
        throw FetchError(where + " lists " + std::to_string(bundles.size()) + " Sigstore bundle referrers, more than the " +
                         std::to_string(max_signatures) + " accepted");
    std::size_t appended = 0;
    for (const auto& referrer : bundles) {
        const std::string referrer_where = where + ": referrer " + referrer.digest;
        require_valid_digest(referrer.digest, referrer_where);
        const std::optional<std::string> manifest = store.manifest(referrer.digest);
        if (!manifest) {
            log_line(store, "Skipping referrer " + referrer.digest + ": its manifest does not exist");
            continue;
        }
        const ReferrerManifest inspected = inspect_referrer_manifest(*manifest, image_digest, referrer_where);
        if (!inspected.skip_reason.empty()) {
            log_line(store, "Skipping referrer " + referrer.digest + ": " + inspected.skip_reason);
            continue;
        }
        for (const auto& layer : inspected.bundle_layers) {
            if (++appended > max_signatures)
                throw FetchError(where + ": more than " + std::to_string(max_signatures) + " Sigstore bundles, assuming that is unreasonable");
            check_bundle_layer(layer, referrer_where);
            log_line(store, "Reading Sigstore bundle " + layer.digest + " of referrer " + referrer.digest + " (" + found_in + ")");
            std::string bundle = store.blob(layer.digest, max_signature_bytes);
            if (bundle.size() != static_cast<std::uint64_t>(layer.size) || !require_valid_digest(layer.digest, referrer_where).matches(bundle))
                throw FetchError(referrer_where + ": bundle layer " + layer.digest + " does not match its digest and size");
            signatures.push_back(SigstoreBundleSignature{std::move(bundle), layer.media_type, found_in});
        }
    }
}

}  // namespace imgtrust::image
