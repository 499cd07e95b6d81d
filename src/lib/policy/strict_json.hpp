// Strict reading of JSON for containers-policy.json: "unrecognized, duplicated
// or otherwise invalid fields cause the entire file ... to be rejected."
// RapidJSON keeps duplicate members, so every object is checked here.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/policy.hpp"

namespace imgtrust::policy {

// Where problems go. Without a collection, the first problem throws
// PolicyFormatError; with one, every problem is recorded and parsing goes on.
class ErrorSink {
public:
    ErrorSink() = default;
    explicit ErrorSink(std::vector<PolicyDiagnostic>* collected) : collected_(collected) {}

    void report(const std::string& location, const std::string& message);
    std::size_t error_count() const { return error_count_; }

private:
    std::vector<PolicyDiagnostic>* collected_ = nullptr;
    std::size_t error_count_ = 0;
};

// Location builders: `base.key` for identifier-like keys, `base["key"]` otherwise,
// `base[3]` for array elements. An empty base yields the bare key.
std::string member_location(const std::string& base, std::string_view key);
std::string quoted_key_location(const std::string& base, std::string_view key);
std::string index_location(const std::string& base, std::size_t index);
std::string quote_json_string(std::string_view text);

// Parses one JSON document (UTF-8 validated, nothing but whitespace after it).
// Reports syntax errors with a line/column location; returns false on failure.
bool parse_json_document(std::string_view json, rapidjson::Document& document, ErrorSink& sink);

std::string_view string_of(const rapidjson::Value& value);  // value must be a string
const char* json_type_name(const rapidjson::Value& value);

// Reports (in document order) a non-object value, duplicate keys and keys not in
// `allowed`. Returns false only if `value` is not an object.
bool check_object_keys(const rapidjson::Value& value, const std::string& location, std::string_view what,
                       std::initializer_list<std::string_view> allowed, ErrorSink& sink);
// Same, for maps whose keys are free-form (transports, scopes): only duplicates are
// errors, located as `map["key"]` (scopes) or, without quote_keys, `map.key` (transports).
bool check_map_keys(const rapidjson::Value& value, const std::string& location, std::string_view what, ErrorSink& sink,
                    bool quote_keys = true);

// The first member named `key`, or nullptr.
const rapidjson::Value* find_member(const rapidjson::Value& object, std::string_view key);
bool has_member(const rapidjson::Value& object, std::string_view key);

// Typed field readers on an object already checked by check_object_keys. They
// return nullopt when the field is absent, or after reporting a wrong type or
// invalid content at `object_location.key`.
std::optional<std::string> read_string(const rapidjson::Value& object, const std::string& object_location,
                                       std::string_view key, ErrorSink& sink);
std::optional<std::vector<std::string>> read_string_array(const rapidjson::Value& object, const std::string& object_location,
                                                          std::string_view key, ErrorSink& sink);
// Base64 (standard alphabet, padded; CR and LF ignored as Go's decoder does), decoded.
std::optional<std::string> read_base64(const rapidjson::Value& object, const std::string& object_location,
                                       std::string_view key, ErrorSink& sink);
std::optional<std::vector<std::string>> read_base64_array(const rapidjson::Value& object, const std::string& object_location,
                                                          std::string_view key, ErrorSink& sink);

}  // namespace imgtrust::policy
