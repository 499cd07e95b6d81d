// The list c/image decodes from /extensions/v2/<name>/signatures/<digest>
// (docker_client.go, after openshift/origin's signaturedispatcher.go):
//   {"signatures": [{"schemaVersion": 2, "name": "sha256:<hex>@<name>",
//                    "type": "atomic", "content": "<base64 of the signature>"}]}
// appendSignaturesFromAPIExtension keeps `sig.Version ==
// extensionSignatureSchemaVersion && sig.Type == extensionSignatureTypeAtomic`
// and reads each content as a simple signing blob. The blobs stay untrusted:
// the policy verifies them exactly as lookaside signatures.
#include "image/extension_signatures.hpp"

#include "image/go_json.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"

namespace imgtrust::image {
namespace {

constexpr std::int64_t extension_signature_schema_version = 2;
constexpr std::string_view extension_signature_type_atomic = "atomic";

struct ExtensionSignature {
    std::int64_t version = 0;
    std::string name;
    std::string type;
    std::string content;
};

void decode_entry(const JsonValue& value, ExtensionSignature& out) {
    decode_struct(value, {
        {"schemaversion", [&](const JsonValue& v) { decode_int64(v, out.version); }},
        {"name", [&](const JsonValue& v) { decode_string(v, out.name); }},
        {"type", [&](const JsonValue& v) { decode_string(v, out.type); }},
        {"content", [&](const JsonValue& v) { decode_base64_bytes(v, out.content); }},
    });
}

}  // namespace

std::vector<std::string> decode_extension_signatures(std::string_view untrusted_body, const std::string& where) {
    const auto document = parse_json(untrusted_body, TrailingData::reject);  // json.Unmarshal
    if (!document) throw FetchError(where + ": decoding signature list: not valid JSON");
    std::vector<std::string> blobs;
    try {
        decode_struct(*document, {{"signatures", [&](const JsonValue& list) {
            blobs.clear();  // Go resets a slice given again, or null
            if (list.IsNull()) return;
            if (!list.IsArray()) throw JsonDecodeError("\"signatures\" is not an array");
            for (const auto& element : list.GetArray()) {
                ExtensionSignature entry;
                decode_entry(element, entry);
                if (entry.version != extension_signature_schema_version || entry.type != extension_signature_type_atomic)
                    continue;
                if (blobs.size() >= max_signatures)
                    throw FetchError(where + ": more than " + std::to_string(max_signatures) +
                                     " signatures, assuming that is unreasonable");
                blobs.push_back(std::move(entry.content));
            }
        }}});
    } catch (const JsonDecodeError& error) {
        throw FetchError(where + ": decoding signature list: " + error.what());
    }
    return blobs;
}

}  // namespace imgtrust::image
