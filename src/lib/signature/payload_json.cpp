#include "signature/payload_json.hpp"

#include <rapidjson/document.h>

#include <array>
#include <cstdio>
#include <functional>
#include <set>

#include "signature/go_compat.hpp"
#include "signature/rejection.hpp"
#include "util/go_quote.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::signature {
namespace {

using JsonValue = rapidjson::Value;

// How Go prints (%#v) the first token of a value that should have been an object.
std::string go_token_description(const JsonValue& value) {
    if (value.IsNull()) return "<nil>";
    if (value.IsString()) return util::go_quote(std::string_view(value.GetString(), value.GetStringLength()));
    if (value.IsBool()) return value.GetBool() ? "true" : "false";
    if (value.IsArray()) return "91";  // json.Delim('[') printed as a rune value
    if (value.IsInt64()) return std::to_string(value.GetInt64());
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", value.GetDouble());
    return buffer;
}

[[noreturn]] void reject(const std::string& reason) { throw SignatureRejected(reason); }

// Decoding into a Go string: null leaves it unchanged (empty), other kinds fail.
std::string decode_go_string(const JsonValue& value) {
    if (value.IsNull()) return {};
    if (!value.IsString()) reject(std::string("json: cannot unmarshal ") + go_json_kind(value) + " into Go value of type string");
    return std::string(value.GetString(), value.GetStringLength());
}

// ParanoidUnmarshalJSONObject: an object whose keys are unique and each
// accepted by `on_member` (which returns false for an unknown key).
void paranoid_object(const JsonValue& value, const std::function<bool(const std::string&, const JsonValue&)>& on_member) {
    if (!value.IsObject()) reject("JSON object expected, got " + go_token_description(value));
    std::set<std::string> seen;
    for (auto member = value.MemberBegin(); member != value.MemberEnd(); ++member) {
        std::string key(member->name.GetString(), member->name.GetStringLength());
        if (!seen.insert(key).second) reject("Duplicate key " + util::go_quote(key));
        if (!on_member(key, member->value)) reject("Unknown key " + util::go_quote(key));
    }
}

// A field of an exact-fields object: kept as raw JSON (json.RawMessage) or
// decoded into a Go string while the object is read, as Go's decoder does.
struct Field {
    const char* name;
    bool is_string;
};

// ParanoidUnmarshalJSONObjectExactFields: exactly these keys, each once.
// Returns the member values in the order of `fields`.
template <std::size_t N>
std::array<const JsonValue*, N> exact_fields(const JsonValue& value, const std::array<Field, N>& fields) {
    std::array<const JsonValue*, N> found{};
    paranoid_object(value, [&](const std::string& key, const JsonValue& member) {
        for (std::size_t i = 0; i < N; ++i) {
            if (key != fields[i].name) continue;
            if (fields[i].is_string) decode_go_string(member);  // a type error stops the read here
            found[i] = &member;
            return true;
        }
        return false;
    });
    for (std::size_t i = 0; i < N; ++i)
        if (found[i] == nullptr) reject(std::string("Key ") + util::go_quote(fields[i].name) + " missing in a JSON object");
    return found;
}

// optional.timestamp is decoded as a float64 (null leaves 0)...
double decode_go_float64(const JsonValue& value) {
    if (value.IsNull()) return 0;
    if (!value.IsNumber()) reject(std::string("json: cannot unmarshal ") + go_json_kind(value) + " into Go value of type float64");
    return value.GetDouble();
}

// ...and must hold an integer.
std::int64_t timestamp_as_integer(double timestamp) {
    if (!(timestamp >= -9223372036854775808.0 && timestamp < 9223372036854775808.0) ||
        static_cast<double>(static_cast<std::int64_t>(timestamp)) != timestamp)
        reject("Field optional.timestamp is not an integer");
    return static_cast<std::int64_t>(timestamp);
}

// "optional": creator and timestamp are read; any other key is ignored.
void parse_optional(const JsonValue& optional, UntrustedPayloadContent& content) {
    std::optional<double> timestamp;
    paranoid_object(optional, [&](const std::string& key, const JsonValue& member) {
        if (key == "creator")
            content.untrusted_creator = decode_go_string(member);
        else if (key == "timestamp")
            timestamp = decode_go_float64(member);
        return true;
    });
    if (timestamp) content.untrusted_timestamp = timestamp_as_integer(*timestamp);
}

void parse_critical(const JsonValue& critical, std::string_view expected_type, UntrustedPayloadContent& content) {
    auto [type, image, identity] = exact_fields<3>(critical, {Field{"type", true}, Field{"image", false}, Field{"identity", false}});
    std::string untrusted_type = decode_go_string(*type);
    if (untrusted_type != expected_type) reject("Unrecognized signature type " + untrusted_type);
    auto [digest] = exact_fields<1>(*image, {Field{"docker-manifest-digest", true}});
    std::string untrusted_digest = decode_go_string(*digest);
    if (std::string problem = go_digest_validation_error(untrusted_digest); !problem.empty())
        reject("invalid docker-manifest-digest value " + util::go_quote(untrusted_digest) + ": " + problem);
    content.untrusted_docker_manifest_digest = untrusted_digest;
    auto [reference] = exact_fields<1>(*identity, {Field{"docker-reference", true}});
    content.untrusted_docker_reference = decode_go_string(*reference);
}

}  // namespace

UntrustedPayloadContent parse_untrusted_payload(std::string_view untrusted_json, std::string_view expected_type,
                                                OptionalSection optional_section) {
    rapidjson::Document document;
    util::JsonOptions options;
    options.limits.max_bytes = untrusted_json.size();  // signatures are read with a 4 MiB bound
    if (auto error = util::parse_untrusted_json(untrusted_json, document, options)) {
        if (error->kind == util::JsonErrorKind::byte_order_mark) reject("invalid JSON: " + error->message);
        reject("invalid JSON: " + error->message + " (at byte " + std::to_string(error->offset) + ")");
    }
    auto [critical, optional] = exact_fields<2>(document, {Field{"critical", false}, Field{"optional", false}});
    UntrustedPayloadContent content;
    if (!(optional_section == OptionalSection::object_or_null && optional->IsNull())) parse_optional(*optional, content);
    parse_critical(*critical, expected_type, content);
    return content;
}

}  // namespace imgtrust::signature
