#include "image/go_json.hpp"

#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::image {
namespace {

[[noreturn]] void type_error(const char* expected, const JsonValue& value) {
    static const char* const names[] = {"null", "false", "true", "object", "array", "string", "number"};
    throw JsonDecodeError(std::string("cannot decode JSON ") + names[value.GetType()] + " into " + expected);
}

void decode_platform(const JsonValue& value, Descriptor& out, DescriptorSchema schema) {
    const bool docker = schema == DescriptorSchema::docker_list_entry;
    if (value.IsNull()) {
        if (docker) return;  // a struct value: null changes nothing
        out.has_platform = false;  // a pointer: null resets it
        out.architecture.clear(), out.os.clear(), out.os_version.clear(), out.os_features.clear(), out.variant.clear();
        return;
    }
    if (!value.IsObject()) type_error("platform object", value);
    out.has_platform = true;
    decode_struct(value, {
        {"architecture", [&](const JsonValue& v) { decode_string(v, out.architecture); }},
        {"os", [&](const JsonValue& v) { decode_string(v, out.os); }},
        {"os.version", [&](const JsonValue& v) { decode_string(v, out.os_version); }},
        {"os.features", [&](const JsonValue& v) { decode_string_list(v, out.os_features); }},
        {"variant", [&](const JsonValue& v) { decode_string(v, out.variant); }},
        {docker ? "features" : "", [&](const JsonValue& v) { decode_string_list(v, out.features); }},
    });
}

}  // namespace

std::unique_ptr<rapidjson::Document> parse_json(std::string_view text, TrailingData trailing) {
    util::JsonOptions options;
    options.limits.max_bytes = text.size();  // callers bound their reads; the size is not this function's rule
    options.trailing = trailing == TrailingData::ignore ? util::JsonTrailing::ignore : util::JsonTrailing::reject;
    auto document = std::make_unique<rapidjson::Document>();
    if (util::parse_untrusted_json(text, *document, options)) return nullptr;
    return document;
}

std::string fold_json_key(std::string_view key) {
    std::string folded;
    folded.reserve(key.size());
    for (std::size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (key.substr(i, 2) == "\xC5\xBF") {  // U+017F LATIN SMALL LETTER LONG S
            folded.push_back('s'), i += 1;
        } else if (key.substr(i, 3) == "\xE2\x84\xAA") {  // U+212A KELVIN SIGN
            folded.push_back('k'), i += 2;
        } else {
            folded.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
    }
    return folded;
}

void decode_struct(const JsonValue& value, std::initializer_list<FieldDecoder> fields) {
    if (value.IsNull()) return;
    if (!value.IsObject()) type_error("object", value);
    for (const auto& member : value.GetObject()) {
        const std::string key = fold_json_key(std::string_view(member.name.GetString(), member.name.GetStringLength()));
        for (const auto& [name, decode] : fields) {
            if (!name.empty() && key == name) {
                decode(member.value);
                break;
            }
        }
    }
}

void decode_string(const JsonValue& value, std::string& out) {
    if (value.IsNull()) return;
    if (!value.IsString()) type_error("string", value);
    out.assign(value.GetString(), value.GetStringLength());
}

void decode_int64(const JsonValue& value, std::int64_t& out) {
    if (value.IsNull()) return;
    if (!value.IsInt64()) type_error("integer", value);
    out = value.GetInt64();
}

void decode_string_list(const JsonValue& value, std::vector<std::string>& out) {
    out.clear();
    if (value.IsNull()) return;
    if (!value.IsArray()) type_error("array of strings", value);
    for (const auto& element : value.GetArray()) {
        std::string item;
        decode_string(element, item);
        out.push_back(std::move(item));
    }
}

void decode_string_map(const JsonValue& value, std::map<std::string, std::string>& out) {
    if (value.IsNull()) {
        out.clear();
        return;
    }
    if (!value.IsObject()) type_error("object of strings", value);
    for (const auto& member : value.GetObject()) {
        std::string item;
        decode_string(member.value, item);
        out[std::string(member.name.GetString(), member.name.GetStringLength())] = std::move(item);
    }
}

void decode_base64_bytes(const JsonValue& value, std::string& out) {
    out.clear();
    if (value.IsNull()) return;
    if (!value.IsString()) type_error("base64 string", value);
    std::string text;
    for (char c : std::string_view(value.GetString(), value.GetStringLength()))
        if (c != '\r' && c != '\n') text.push_back(c);  // Go's decoder skips line breaks
    auto decoded = util::base64_decode(text);
    if (!decoded) throw JsonDecodeError("invalid base64 data in a JSON string");
    out = std::move(*decoded);
}

void decode_presence(const JsonValue& value, bool& present) { present = !value.IsNull(); }

void decode_descriptor(const JsonValue& value, Descriptor& out, DescriptorSchema schema) {
    const bool oci = schema == DescriptorSchema::oci;
    decode_struct(value, {
        {"mediatype", [&](const JsonValue& v) { decode_string(v, out.media_type); }},
        {"digest", [&](const JsonValue& v) { decode_string(v, out.digest); }},
        {"size", [&](const JsonValue& v) { decode_int64(v, out.size); }},
        {"urls", [&](const JsonValue& v) { decode_string_list(v, out.urls); }},
        {"platform", [&](const JsonValue& v) { decode_platform(v, out, schema); }},
        {oci ? "annotations" : "", [&](const JsonValue& v) { decode_string_map(v, out.annotations); }},
        {oci ? "data" : "", [&](const JsonValue& v) { decode_base64_bytes(v, out.data); }},
        {oci ? "artifacttype" : "", [&](const JsonValue& v) { decode_string(v, out.artifact_type); }},
    });
}

void decode_descriptor_list(const JsonValue& value, std::vector<Descriptor>& out, DescriptorSchema schema) {
    out.clear();
    if (value.IsNull()) return;
    if (!value.IsArray()) type_error("array of descriptors", value);
    for (const auto& element : value.GetArray()) {
        Descriptor descriptor;
        decode_descriptor(element, descriptor, schema);
        out.push_back(std::move(descriptor));
    }
}

}  // namespace imgtrust::image
