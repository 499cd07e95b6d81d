// Reading protobuf messages in their canonical JSON mapping (the form of
// Sigstore bundles and trusted roots) from a Document that
// util::parse_untrusted_json produced. Strict as Go's protojson.Unmarshal is:
// unknown fields and repeated keys are errors, scalars must have their JSON
// types (int64 as a decimal string or an integral number, bytes as base64),
// and both the lowerCamelCase JSON name and the proto field name are accepted.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace imgtrust::sigstore {

// A message that does not follow the mapping or the schema; what() names the
// JSON path ("verificationMaterial.tlogEntries[0].logIndex: ...").
class ProtoJsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One JSON object read as a message with a fixed set of fields.
class ProtoObject {
public:
    // Throws ProtoJsonError if `value` is not an object, repeats a key, or has
    // a key that is none of `fields` (lowerCamelCase names).
    ProtoObject(const rapidjson::Value& value, std::string path, std::initializer_list<std::string_view> fields);

    const std::string& path() const { return path_; }
    std::string path_of(std::string_view field) const {
        if (field.empty()) return path_.empty() ? std::string("the document") : path_;
        return path_ + (path_.empty() ? "" : ".") + std::string(field);
    }
    // The field's value; nullptr when absent or JSON null (protobuf's default).
    const rapidjson::Value* find(std::string_view field) const;
    bool has(std::string_view field) const { return find(field) != nullptr; }

    // Scalars. `required` fields that are absent (or hold the default value)
    // are errors; optional ones return nullopt / empty.
    std::optional<std::string> string(std::string_view field, bool required) const;
    std::optional<std::string> bytes(std::string_view field, bool required) const;  // base64 decoded
    std::optional<std::int64_t> int64(std::string_view field, bool required) const;
    std::optional<std::time_t> timestamp(std::string_view field, bool required) const;  // RFC 3339 "…Z"
    ProtoObject object(std::string_view field, std::initializer_list<std::string_view> fields) const;  // required
    std::optional<ProtoObject> optional_object(std::string_view field, std::initializer_list<std::string_view> fields) const;
    // A repeated field: its elements (empty when absent); more than max_count is an error.
    std::vector<const rapidjson::Value*> array(std::string_view field, std::size_t max_count) const;

    [[noreturn]] void fail(std::string_view field, const std::string& message) const;

private:
    const rapidjson::Value& value_;
    std::string path_;
};

// protobuf-JSON bytes as Go's protojson reads them: standard base64 (RFC 4648
// §4) or its URL-safe alphabet, padding optional, line breaks ignored.
// nullopt for anything else.
std::optional<std::string> decode_proto_bytes(std::string_view text);

// google.protobuf.Timestamp's JSON form "YYYY-MM-DDThh:mm:ss[.fraction]Z"
// (an offset is accepted too); seconds since the epoch, fraction truncated.
std::optional<std::time_t> parse_rfc3339(std::string_view text);

}  // namespace imgtrust::sigstore
