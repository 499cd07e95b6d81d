#include "sigstore/proto_json.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "util/bytes.hpp"

namespace imgtrust::sigstore {
namespace {

// protobuf's JSON name of a field is lowerCamelCase; protojson also accepts the
// original snake_case proto name ("logIndex" and "log_index").
std::string proto_name(std::string_view json_name) {
    std::string name;
    for (char c : json_name) {
        if (c >= 'A' && c <= 'Z') {
            name += '_';
            name += static_cast<char>(c - 'A' + 'a');
        } else {
            name += c;
        }
    }
    return name;
}

bool is_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number_at(std::string_view text, std::size_t at, std::size_t length) {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

ProtoObject::ProtoObject(const rapidjson::Value& value, std::string path, std::initializer_list<std::string_view> fields)
    : value_(value), path_(std::move(path)) {
    if (!value_.IsObject()) throw ProtoJsonError((path_.empty() ? std::string("the document") : path_) + ": expected a JSON object");
    std::set<std::string> seen;
    for (auto member = value_.MemberBegin(); member != value_.MemberEnd(); ++member) {
        std::string key(member->name.GetString(), member->name.GetStringLength());
        bool known = std::any_of(fields.begin(), fields.end(),
                                 [&](std::string_view field) { return key == field || key == proto_name(field); });
        if (!known) fail(key, "unknown field");
        std::string canonical = key;
        for (std::string_view field : fields)
            if (key == proto_name(field)) canonical = std::string(field);
        if (!seen.insert(canonical).second) fail(key, "repeated field");
    }
}

void ProtoObject::fail(std::string_view field, const std::string& message) const {
    throw ProtoJsonError(path_of(field) + ": " + message);
}

const rapidjson::Value* ProtoObject::find(std::string_view field) const {
    for (auto member = value_.MemberBegin(); member != value_.MemberEnd(); ++member) {
        std::string_view key(member->name.GetString(), member->name.GetStringLength());
        if (key == field || key == proto_name(field)) return member->value.IsNull() ? nullptr : &member->value;
    }
    return nullptr;
}

std::optional<std::string> ProtoObject::string(std::string_view field, bool required) const {
    const rapidjson::Value* value = find(field);
    if (value && !value->IsString()) fail(field, "expected a string");
    if (!value || value->GetStringLength() == 0) {
        if (required) fail(field, "missing");
        return std::nullopt;
    }
    return std::string(value->GetString(), value->GetStringLength());
}

std::optional<std::string> ProtoObject::bytes(std::string_view field, bool required) const {
    auto text = string(field, required);
    if (!text) return std::nullopt;
    auto decoded = decode_proto_bytes(*text);
    if (!decoded) fail(field, "invalid base64");
    if (decoded->empty() && required) fail(field, "missing");
    return decoded;
}

std::optional<std::int64_t> ProtoObject::int64(std::string_view field, bool required) const {
    const rapidjson::Value* value = find(field);
    if (!value) {
        if (required) fail(field, "missing");
        return std::nullopt;
    }
    if (value->IsInt64()) return value->GetInt64();
    if (!value->IsString()) fail(field, "expected an integer (a decimal string or a number)");
    std::string_view text(value->GetString(), value->GetStringLength());
    std::int64_t parsed = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (error != std::errc() || end != text.data() + text.size() || text.empty() || text[0] == '+')
        fail(field, "invalid int64 \"" + std::string(text.substr(0, 40)) + "\"");
    return parsed;
}

std::optional<std::time_t> ProtoObject::timestamp(std::string_view field, bool required) const {
    auto text = string(field, required);
    if (!text) return std::nullopt;
    auto parsed = parse_rfc3339(*text);
    if (!parsed) fail(field, "invalid RFC 3339 timestamp \"" + text->substr(0, 40) + "\"");
    return parsed;
}

ProtoObject ProtoObject::object(std::string_view field, std::initializer_list<std::string_view> fields) const {
    const rapidjson::Value* value = find(field);
    if (!value) fail(field, "missing");
    return ProtoObject(*value, path_of(field), fields);
}

std::optional<ProtoObject> ProtoObject::optional_object(std::string_view field, std::initializer_list<std::string_view> fields) const {
    const rapidjson::Value* value = find(field);
    if (!value) return std::nullopt;
    return ProtoObject(*value, path_of(field), fields);
}

std::vector<const rapidjson::Value*> ProtoObject::array(std::string_view field, std::size_t max_count) const {
    const rapidjson::Value* value = find(field);
    std::vector<const rapidjson::Value*> elements;
    if (!value) return elements;
    if (!value->IsArray()) fail(field, "expected an array");
    if (value->Size() > max_count) fail(field, "more than " + std::to_string(max_count) + " elements");
    for (const auto& element : value->GetArray()) elements.push_back(&element);
    return elements;
}

std::optional<std::string> decode_proto_bytes(std::string_view text) {
    // Go's base64 decoders (and so protojson) skip '\r' and '\n': `base64` wraps its output at 76 columns.
    std::string standard;
    for (char c : text) {
        if (c == '\r' || c == '\n') continue;
        standard += c == '-' ? '+' : c == '_' ? '/' : c;
    }
    if (standard.size() % 4 == 1) return std::nullopt;
    if (standard.find('=') == std::string::npos)
        standard.append((4 - standard.size() % 4) % 4, '=');
    return util::base64_decode(standard);
}

std::optional<std::time_t> parse_rfc3339(std::string_view text) {
    // YYYY-MM-DDThh:mm:ss
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
        text[16] != ':')
        return std::nullopt;
    for (std::size_t at : {0, 5, 8, 11, 14, 17})
        if (!is_digits(text.substr(at, at == 0 ? 4 : 2))) return std::nullopt;
    int year = number_at(text, 0, 4), month = number_at(text, 5, 2), day = number_at(text, 8, 2);
    int hour = number_at(text, 11, 2), minute = number_at(text, 14, 2), second = number_at(text, 17, 2);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
    std::size_t at = 19;
    if (at < text.size() && text[at] == '.') {
        std::size_t digits = 0;
        while (at + 1 + digits < text.size() && text[at + 1 + digits] >= '0' && text[at + 1 + digits] <= '9') ++digits;
        if (digits == 0 || digits > 9) return std::nullopt;
        at += 1 + digits;
    }
    std::int64_t offset = 0;
    std::string_view zone = text.substr(at);
    if (zone == "Z" || zone == "z") {
        offset = 0;
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' && is_digits(zone.substr(1, 2)) &&
               is_digits(zone.substr(4, 2))) {
        offset = (number_at(zone, 1, 2) * 60 + number_at(zone, 4, 2)) * 60 * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    std::int64_t seconds = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                           hour * 3600 + minute * 60 + second - offset;
    return static_cast<std::time_t>(seconds);
}

}  // namespace imgtrust::sigstore
