// JSON decoding with the observable behaviour of Go's encoding/json, which
// c/image uses for manifests, index.json and sigstore signature files: the same
// inputs are accepted or rejected, and the same values come out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace imgtrust::image {

using JsonValue = rapidjson::Value;

// json.Unmarshal would fail with a type error (a string where a number is
// expected, ...). Callers turn it into their own typed error.
class JsonDecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class TrailingData {
    reject,  // json.Unmarshal: the whole input is one value
    ignore,  // json.Decoder.Decode: the first value is used, the rest is not read
};

// Parses untrusted JSON through util::parse_untrusted_json (iterative, nesting
// bounded by util::max_json_depth, where Go allows 10000). Returns nullptr on
// any error.
std::unique_ptr<rapidjson::Document> parse_json(std::string_view text, TrailingData trailing);

// Go matches object keys to struct fields case-insensitively; for the ASCII
// field names used here that also means 'ſ' (U+017F) matches 's' and the
// Kelvin sign (U+212A) matches 'k'. Returns the key folded to lowercase ASCII.
std::string fold_json_key(std::string_view key);

// One struct field: its lowercase name and what to do with each value given
// for it. Fields are applied in document order, so for a repeated key the last
// one wins, as in Go.
using FieldDecoder = std::pair<std::string_view, std::function<void(const JsonValue&)>>;

// Decodes an object into a struct: null leaves the struct unchanged, anything
// other than an object or null is a type error, unknown keys are ignored.
void decode_struct(const JsonValue& value, std::initializer_list<FieldDecoder> fields);

// Field decoders with Go's rules: null leaves a string or number unchanged and
// resets a map, slice or byte string; a value of another type is an error.
void decode_string(const JsonValue& value, std::string& out);
void decode_int64(const JsonValue& value, std::int64_t& out);
void decode_string_list(const JsonValue& value, std::vector<std::string>& out);
void decode_string_map(const JsonValue& value, std::map<std::string, std::string>& out);  // merges, as Go does
void decode_base64_bytes(const JsonValue& value, std::string& out);
void decode_presence(const JsonValue& value, bool& present);  // an `any` field: non-nil after decoding?

// An OCI descriptor (or Docker's Schema2ManifestDescriptor) with its platform.
struct Descriptor {
    std::string media_type;
    std::string digest;
    std::int64_t size = 0;
    std::vector<std::string> urls;
    std::map<std::string, std::string> annotations;
    std::string data;
    std::string artifact_type;
    bool has_platform = false;
    std::string architecture;
    std::string os;
    std::string os_version;
    std::vector<std::string> os_features;
    std::string variant;
    std::vector<std::string> features;
};

enum class DescriptorSchema { oci, docker_list_entry };

void decode_descriptor(const JsonValue& value, Descriptor& out, DescriptorSchema schema);
void decode_descriptor_list(const JsonValue& value, std::vector<Descriptor>& out, DescriptorSchema schema);

}  // namespace imgtrust::image
