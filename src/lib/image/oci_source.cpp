// Reading an image and its cosign signature attachments from an OCI layout.
#include <algorithm>

#include "image/local_files.hpp"
#include "image/manifest_format.hpp"
#include "image/oci_transport.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::image {
namespace {

// `cosign save` marks index.json entries with a "kind" annotation instead of a ref.name.
constexpr std::string_view cosign_kind_annotation = "kind";
constexpr std::string_view cosign_kind_image = "dev.cosignproject.cosign/image";
constexpr std::string_view cosign_kind_image_index = "dev.cosignproject.cosign/imageIndex";
constexpr std::string_view cosign_kind_signatures = "dev.cosignproject.cosign/sigs";

bool is_supported_manifest_type(std::string_view type) {
    return type == oci_manifest_media_type || type == oci_index_media_type || type == docker_schema2_media_type ||
           type == docker_list_media_type;
}

std::string annotation(const Descriptor& descriptor, std::string_view key) {
    const auto found = descriptor.annotations.find(std::string(key));
    return found == descriptor.annotations.end() ? std::string() : found->second;
}

}  // namespace

OciImageSource::OciImageSource(std::unique_ptr<LayoutFiles> files, const std::string& image,
                               std::optional<std::size_t> source_index, std::string image_name, DebugLog debug)
    : files_(std::move(files)), image_name_(std::move(image_name)), debug_(std::move(debug)) {
    read_index();
    select_descriptor(image, source_index);
}

void OciImageSource::read_index() {
    const std::string path = files_->display_path("index.json");
    const auto bytes = files_->read("index.json", max_manifest_bytes, "OCI index");
    if (!bytes) throw NotFoundError(image_name_ + ": " + path + " does not exist, so this is not an OCI layout");
    // c/image decodes index.json with json.Decoder: only the first JSON value is read.
    const auto document = parse_json(*bytes, TrailingData::ignore);
    if (!document) throw FetchError(image_name_ + ": " + path + " is not valid JSON");
    try {
        std::int64_t schema_version = 0;
        std::string media_type, artifact_type;
        Descriptor subject;
        std::map<std::string, std::string> annotations;
        decode_struct(*document, {
            {"schemaversion", [&](const JsonValue& v) { decode_int64(v, schema_version); }},
            {"mediatype", [&](const JsonValue& v) { decode_string(v, media_type); }},
            {"artifacttype", [&](const JsonValue& v) { decode_string(v, artifact_type); }},
            {"manifests", [&](const JsonValue& v) { decode_descriptor_list(v, index_manifests_, DescriptorSchema::oci); }},
            {"subject", [&](const JsonValue& v) { decode_descriptor(v, subject, DescriptorSchema::oci); }},
            {"annotations", [&](const JsonValue& v) { decode_string_map(v, annotations); }},
        });
    } catch (const JsonDecodeError& error) {
        throw FetchError(image_name_ + ": parsing " + path + ": " + error.what());
    }
}

void OciImageSource::select_descriptor(const std::string& image, std::optional<std::size_t> source_index) {
    if (source_index) {
        if (*source_index >= index_manifests_.size())
            throw NotFoundError(image_name_ + ": index " + std::to_string(*source_index) + " is too large, only " +
                                std::to_string(index_manifests_.size()) + " entries available");
        descriptor_ = index_manifests_[*source_index];
        return;
    }
    if (image.empty()) {
        if (index_manifests_.empty()) throw NotFoundError(image_name_ + ": index.json lists no images");
        if (index_manifests_.size() != 1) throw FetchError(image_name_ + ": more than one image in oci, choose an image");
        descriptor_ = index_manifests_.front();
        return;
    }
    std::string unsupported;
    for (const auto& entry : index_manifests_) {
        const auto name = entry.annotations.find(std::string(oci_ref_name_annotation));
        if (name == entry.annotations.end() || name->second != image) continue;
        if (is_supported_manifest_type(entry.media_type)) {
            descriptor_ = entry;
            return;
        }
        unsupported += (unsupported.empty() ? "\"" : " \"") + entry.media_type + "\"";
    }
    if (!unsupported.empty())
        throw FetchError(image_name_ + ": reference \"" + image + "\" matches unsupported manifest MIME types [" + unsupported + "]");
    throw NotFoundError(image_name_ + ": no descriptor found for reference \"" + image + "\"");
}

std::optional<std::string> OciImageSource::read_verified_blob(const std::string& digest, std::size_t max_bytes,
                                                              const std::string& what) const {
    const util::Digest valid = require_valid_digest(digest, image_name_ + ": " + what);
    const std::string relative_path = "blobs/" + std::string(valid.algorithm_name()) + "/" + std::string(valid.hex());
    const std::string path = files_->display_path(relative_path);
    auto bytes = files_->read(relative_path, max_bytes, what);
    if (bytes && !valid.matches(*bytes))
        throw FetchError(image_name_ + ": " + what + " " + path + " does not match its digest " + digest);
    return bytes;
}

ManifestBlob OciImageSource::manifest(const std::string& instance_digest) {
    const std::string& digest = instance_digest.empty() ? descriptor_.digest : instance_digest;
    std::string media_type = descriptor_.media_type;
    if (!instance_digest.empty()) {
        const auto entry = std::find_if(index_manifests_.begin(), index_manifests_.end(),
                                        [&](const Descriptor& d) { return d.digest == instance_digest; });
        media_type = entry == index_manifests_.end() ? std::string() : entry->media_type;
    }
    auto bytes = read_verified_blob(digest, max_manifest_bytes, "manifest");
    if (!bytes) throw NotFoundError(image_name_ + ": manifest blob " + digest + " does not exist in the layout");
    ManifestBlob blob{std::move(*bytes), std::move(media_type)};
    if (blob.media_type.empty()) blob.media_type = guess_manifest_media_type(blob.bytes);
    reject_unsupported_manifest(blob, image_name_);
    return blob;
}

std::vector<const Descriptor*> OciImageSource::attachment_manifests(const std::string& digest) const {
    std::vector<const Descriptor*> attachments;
    const std::string tag = sigstore_attachment_tag(digest);
    for (const auto& entry : index_manifests_) {
        if (annotation(entry, oci_ref_name_annotation) == tag) {
            attachments.push_back(&entry);
            break;
        }
    }
    const std::string kind = annotation(descriptor_, cosign_kind_annotation);
    if (digest != descriptor_.digest || (kind != cosign_kind_image && kind != cosign_kind_image_index)) return attachments;
    for (const auto& entry : index_manifests_) {
        if (annotation(entry, cosign_kind_annotation) != cosign_kind_signatures) continue;
        if (attachments.empty() || attachments.front()->digest != entry.digest) attachments.push_back(&entry);
        break;
    }
    return attachments;
}

// Every layer of an attachment manifest becomes a sigstore signature with the
// layer's media type and annotations, as c/image reads registry attachments;
// the policy ignores layers that are not application/vnd.dev.cosign.simplesigning.v1+json.
void OciImageSource::append_attachment_signatures(const Descriptor& attachment,
                                                  std::vector<UntrustedSignature>& signatures) const {
    const std::string where = image_name_ + ": sigstore attachment manifest " + attachment.digest;
    if (!attachment.media_type.empty() && attachment.media_type != oci_manifest_media_type)
        throw FetchError(where + ": unexpected MIME type \"" + attachment.media_type + "\"");
    const auto bytes = read_verified_blob(attachment.digest, max_manifest_bytes, "sigstore attachment manifest");
    if (!bytes) throw FetchError(where + " is listed in index.json but its blob does not exist");
    if (attachment.media_type.empty() && guess_manifest_media_type(*bytes) != oci_manifest_media_type)
        throw FetchError(where + " is not an OCI image manifest");
    for (const auto& layer : oci_manifest_layers(*bytes, where)) {
        if (signatures.size() >= max_signatures)
            throw FetchError(image_name_ + ": more than " + std::to_string(max_signatures) + " signatures, assuming that is unreasonable");
        if (layer.size < 0 || static_cast<std::uint64_t>(layer.size) > max_signature_bytes)
            throw FetchError(where + ": signature layer " + layer.digest + " has an unacceptable size " + std::to_string(layer.size));
        auto payload = read_verified_blob(layer.digest, max_signature_bytes, "signature layer");
        if (!payload) throw FetchError(where + ": signature layer blob " + layer.digest + " does not exist");
        signatures.push_back(SigstoreSignature{layer.media_type, std::move(*payload), layer.annotations});
    }
}

std::vector<UntrustedSignature> OciImageSource::signatures(const std::string& instance_digest) {
    const std::string& digest = instance_digest.empty() ? descriptor_.digest : instance_digest;
    require_valid_digest(digest, image_name_ + ": manifest");
    std::vector<UntrustedSignature> signatures;
    for (const Descriptor* attachment : attachment_manifests(digest)) append_attachment_signatures(*attachment, signatures);
    append_layout_bundles(digest, signatures);
    return signatures;
}

}  // namespace imgtrust::image
