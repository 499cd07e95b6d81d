// Small byte utilities shared by every domain: bounded file reads, base64, SHA-256.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "imgtrust/files.hpp"

namespace imgtrust::util {

// The one bounded file reader: imgtrust::read_file_bounded (include/imgtrust/files.hpp).
using ::imgtrust::read_file_bounded;

// Standard base64 (RFC 4648, with padding). decode returns nullopt on invalid input.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

// Go's encoding/json (and so c/image) rejects a leading UTF-8 byte order mark
// that RapidJSON would silently skip; every JSON entry point checks this first.
inline bool starts_with_utf8_bom(std::string_view text) { return text.substr(0, 3) == "\xEF\xBB\xBF"; }

// Lowercase hex of SHA-256 (util/digest.hpp owns digests; this is its shorthand).
std::string sha256_hex(std::string_view bytes);
std::string hex_encode(std::string_view bytes);

}  // namespace imgtrust::util
