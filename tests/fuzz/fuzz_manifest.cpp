// Manifests, manifest lists and OCI index.json as c/image decodes them: the
// media type guessed from the bytes, the schema1 refusal, the layers of a
// sigstore attachment, and the Go-compatible descriptor decoding of indexes.
#include "fuzz_support.hpp"

#include "image/go_json.hpp"
#include "image/manifest_format.hpp"

namespace {

using imgtrust::image::DescriptorSchema;

// An index or list: {"manifests": [descriptor, ...]} decoded with Go's rules.
void decode_index(std::string_view text, imgtrust::image::TrailingData trailing, DescriptorSchema schema) {
    const auto document = imgtrust::image::parse_json(text, trailing);
    if (!document) return;
    try {
        std::vector<imgtrust::image::Descriptor> manifests;
        std::int64_t schema_version = 0;
        imgtrust::image::decode_struct(*document, {
            {"schemaversion", [&](const auto& value) { imgtrust::image::decode_int64(value, schema_version); }},
            {"manifests", [&](const auto& value) { imgtrust::image::decode_descriptor_list(value, manifests, schema); }},
        });
    } catch (const imgtrust::image::JsonDecodeError&) {
    }
}

void check_manifest(std::string_view text, std::string media_type) {
    const imgtrust::ManifestBlob manifest{std::string(text), std::move(media_type)};
    imgtrust::fuzz::ignore_rejection([&] {
        (void)imgtrust::image::effective_media_type(manifest);
        imgtrust::image::reject_unsupported_manifest(manifest, "fuzz");
        (void)imgtrust::image::oci_manifest_layers(text, "fuzz");
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    const std::string guessed = imgtrust::image::guess_manifest_media_type(text);
    check_manifest(text, "");
    check_manifest(text, guessed);
    decode_index(text, imgtrust::image::TrailingData::reject, DescriptorSchema::oci);
    decode_index(text, imgtrust::image::TrailingData::ignore, DescriptorSchema::docker_list_entry);
    return 0;
}
