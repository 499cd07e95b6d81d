// The one gateway for JSON that comes from outside the process: registry
// responses (manifests, indexes, errors, tokens), signatures and their payloads,
// Rekor SETs, auth.json, credential-helper output, policy.json, bundles and
// trusted roots. Nothing else in the library calls RapidJSON's parser.
//
// Contract:
// - the size is checked before any byte is parsed (max_bytes);
// - the parse is iterative (no recursion on the input's nesting), and nesting
//   deeper than max_json_depth stops it, so the recursive code that walks the
//   resulting Document later (Accept, destructors, decoders) is bounded too;
// - numbers are converted here (std::from_chars / strtod, correctly rounded),
//   never by RapidJSON's full-precision path, which is undefined behaviour for
//   inputs such as `0e86` in RapidJSON 1.1.0;
// - a UTF-8 byte order mark is refused, as Go's encoding/json refuses it.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::util {

// One limit for every document. Go's encoding/json allows 10000 levels; no
// manifest, signature, token or policy nests more than about 10, and this bound
// keeps every recursive consumer of a parsed Document far from the stack's end
// (also under AddressSanitizer and on 64 worker threads).
inline constexpr std::size_t max_json_depth = 512;

struct JsonLimits {
    std::size_t max_bytes = 4 * 1024 * 1024;
    std::size_t max_depth = max_json_depth;
};

enum class JsonTrailing {
    reject,  // the whole input is one value (json.Unmarshal)
    ignore,  // the first value is used, the rest is not read (json.Decoder.Decode)
};

enum class JsonEncodingCheck {
    none,           // bytes in strings are passed through (Go replaces invalid UTF-8, nobody compares them)
    validate_utf8,  // invalid UTF-8 in a string is a syntax error (policy.json)
};

struct JsonOptions {
    JsonLimits limits{};
    JsonTrailing trailing = JsonTrailing::reject;
    JsonEncodingCheck encoding = JsonEncodingCheck::none;
};

enum class JsonErrorKind {
    too_large,        // more than limits.max_bytes
    byte_order_mark,  // starts with EF BB BF
    too_deep,         // nesting beyond limits.max_depth
    number_too_big,   // a number that does not fit a double
    syntax,           // anything RapidJSON rejects
};

struct JsonError {
    JsonErrorKind kind = JsonErrorKind::syntax;
    std::size_t offset = 0;  // byte offset where the problem was found
    std::string message;     // English, without location, e.g. "Missing a comma or ']' after an array element."
    // "invalid JSON at byte N: message" (callers that want their own wording use the fields)
    std::string describe() const;
};

// Parses untrusted_text into document (replacing its content). Returns the
// error, or nullopt on success.
std::optional<JsonError> parse_untrusted_json(std::string_view untrusted_text, rapidjson::Document& document,
                                              const JsonOptions& options = {});

// Serialises a value of a Document produced by parse_untrusted_json (so its
// depth is bounded) as compact JSON.
std::string write_json(const rapidjson::Value& value);

}  // namespace imgtrust::util
