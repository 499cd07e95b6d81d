#include "policy/strict_json.hpp"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <set>

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::policy {

void ErrorSink::report(const std::string& location, const std::string& message) {
    ++error_count_;
    if (!collected_) throw PolicyFormatError(location, message);
    collected_->push_back(PolicyDiagnostic{PolicyDiagnostic::Severity::error, location, message});
}

namespace {

bool is_identifier(std::string_view key) {
    if (key.empty()) return false;
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!alpha(key.front())) return false;
    return std::all_of(key.begin(), key.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

std::string line_and_column(std::string_view json, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < json.size(); ++i) {
        if (json[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::string quote_json_string(std::string_view text) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            out += "\\u00";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string member_location(const std::string& base, std::string_view key) {
    if (!is_identifier(key)) return quoted_key_location(base, key);
    return base.empty() ? std::string(key) : base + "." + std::string(key);
}

std::string quoted_key_location(const std::string& base, std::string_view key) {
    return base + "[" + quote_json_string(key) + "]";
}

std::string index_location(const std::string& base, std::size_t index) {
    return base + "[" + std::to_string(index) + "]";
}

bool parse_json_document(std::string_view json, rapidjson::Document& document, ErrorSink& sink) {
    if (auto nul = json.find('\0'); nul != std::string_view::npos) {
        sink.report(line_and_column(json, nul), "invalid JSON: a NUL byte is not allowed");
        return false;
    }
    util::JsonOptions options;
    options.limits.max_bytes = json.size();  // load_policy_file bounds the read
    options.encoding = util::JsonEncodingCheck::validate_utf8;
    auto error = util::parse_untrusted_json(json, document, options);
    if (!error) return true;
    std::string message = error->message;
    if (message == rapidjson::GetParseError_En(rapidjson::kParseErrorDocumentRootNotSingular))
        message = "unexpected data after the JSON object";
    sink.report(line_and_column(json, error->offset), "invalid JSON: " + message);
    return false;
}

std::string_view string_of(const rapidjson::Value& value) {
    return std::string_view(value.GetString(), value.GetStringLength());
}

const char* json_type_name(const rapidjson::Value& value) {
    switch (value.GetType()) {
        case rapidjson::kNullType: return "null";
        case rapidjson::kFalseType:
        case rapidjson::kTrueType: return "a boolean";
        case rapidjson::kObjectType: return "an object";
        case rapidjson::kArrayType: return "an array";
        case rapidjson::kStringType: return "a string";
        case rapidjson::kNumberType: return "a number";
    }
    return "an unknown JSON value";
}

namespace {

bool check_keys(const rapidjson::Value& value, const std::string& location, std::string_view what,
                const std::initializer_list<std::string_view>* allowed, bool quote_keys, ErrorSink& sink) {
    auto key_location = [&](std::string_view key) {
        return quote_keys ? quoted_key_location(location, key) : member_location(location, key);
    };
    if (!value.IsObject()) {
        sink.report(location, std::string(what) + " must be a JSON object, not " + json_type_name(value));
        return false;
    }
    std::set<std::string_view> seen;
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        std::string_view key = string_of(it->name);
        if (!seen.insert(key).second) {
            sink.report(key_location(key), "duplicate key " + quote_json_string(key));
        } else if (allowed && std::find(allowed->begin(), allowed->end(), key) == allowed->end()) {
            std::string known;
            for (std::string_view name : *allowed) known += (known.empty() ? "" : ", ") + std::string(name);
            sink.report(key_location(key),
                        "unknown key " + quote_json_string(key) + " in " + std::string(what) + " (known keys: " + known + ")");
        }
    }
    return true;
}

}  // namespace

bool check_object_keys(const rapidjson::Value& value, const std::string& location, std::string_view what,
                       std::initializer_list<std::string_view> allowed, ErrorSink& sink) {
    return check_keys(value, location, what, &allowed, false, sink);
}

bool check_map_keys(const rapidjson::Value& value, const std::string& location, std::string_view what, ErrorSink& sink,
                    bool quote_keys) {
    return check_keys(value, location, what, nullptr, quote_keys, sink);
}

const rapidjson::Value* find_member(const rapidjson::Value& object, std::string_view key) {
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it)
        if (string_of(it->name) == key) return &it->value;
    return nullptr;
}

bool has_member(const rapidjson::Value& object, std::string_view key) {
    return find_member(object, key) != nullptr;
}

namespace {

std::optional<std::string> decode_base64_go_style(std::string_view text) {
    std::string compact;
    compact.reserve(text.size());
    for (char c : text)
        if (c != '\r' && c != '\n') compact += c;
    return util::base64_decode(compact);
}

std::optional<std::string> string_value(const rapidjson::Value& value, const std::string& location, ErrorSink& sink) {
    if (!value.IsString()) {
        sink.report(location, std::string("must be a string, not ") + json_type_name(value));
        return std::nullopt;
    }
    return std::string(string_of(value));
}

std::optional<std::string> base64_value(const rapidjson::Value& value, const std::string& location, ErrorSink& sink) {
    auto text = string_value(value, location, sink);
    if (!text) return std::nullopt;
    auto decoded = decode_base64_go_style(*text);
    if (!decoded) sink.report(location, "is not valid base64 (standard alphabet, with padding)");
    return decoded;
}

template <typename ElementReader>
std::optional<std::vector<std::string>> read_array(const rapidjson::Value& object, const std::string& object_location,
                                                   std::string_view key, ErrorSink& sink, ElementReader read_element) {
    const rapidjson::Value* value = find_member(object, key);
    if (!value) return std::nullopt;
    std::string location = member_location(object_location, key);
    if (!value->IsArray()) {
        sink.report(location, std::string("must be an array of strings, not ") + json_type_name(*value));
        return std::nullopt;
    }
    std::vector<std::string> result;
    bool all_valid = true;
    for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
        auto element = read_element((*value)[i], index_location(location, i), sink);
        if (element) {
            result.push_back(std::move(*element));
        } else {
            all_valid = false;
        }
    }
    if (!all_valid) return std::nullopt;
    return result;
}

}  // namespace

std::optional<std::string> read_string(const rapidjson::Value& object, const std::string& object_location,
                                       std::string_view key, ErrorSink& sink) {
    const rapidjson::Value* value = find_member(object, key);
    if (!value) return std::nullopt;
    return string_value(*value, member_location(object_location, key), sink);
}

std::optional<std::vector<std::string>> read_string_array(const rapidjson::Value& object, const std::string& object_location,
                                                          std::string_view key, ErrorSink& sink) {
    return read_array(object, object_location, key, sink, string_value);
}

std::optional<std::string> read_base64(const rapidjson::Value& object, const std::string& object_location,
                                       std::string_view key, ErrorSink& sink) {
    const rapidjson::Value* value = find_member(object, key);
    if (!value) return std::nullopt;
    return base64_value(*value, member_location(object_location, key), sink);
}

std::optional<std::vector<std::string>> read_base64_array(const rapidjson::Value& object, const std::string& object_location,
                                                          std::string_view key, ErrorSink& sink) {
    return read_array(object, object_location, key, sink, base64_value);
}

}  // namespace imgtrust::policy
