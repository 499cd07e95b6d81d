// Small byte utilities shared by every domain: bounded file reads, base64, SHA-256.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::util {

// The one bounded file reader for files named by users and images. Reads a
// whole regular file, refusing more than max_bytes. Returns nullopt if the file
// does not exist; throws FetchError for FIFOs, devices, directories and other
// non-regular files (never blocking on them), other read failures or oversize
// files (`what` names the file's role in messages, e.g. "manifest").
std::optional<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes, const std::string& what);

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
