// Small text rules that several domains share. ASCII only: the inputs are
// protocol tokens (header names, hostnames, reference components), where
// locale-dependent case mapping would be wrong.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgtrust::util {

// 'A'-'Z' mapped to 'a'-'z'; every other byte unchanged (Go's strings.ToLower on ASCII).
std::string ascii_lowercase(std::string_view text);

// Go's strings.Split with a one-byte separator: n separators give n+1 pieces,
// empty pieces included ("" gives {""}). The views point into `text`.
std::vector<std::string_view> split(std::string_view text, char separator);

// One UTF-8 sequence at the start of `text`, as Go's utf8.DecodeRuneInString
// accepts it (shortest form, no surrogates, at most U+10FFFF); nullopt where
// Go sees RuneError (invalid, truncated, or an ASCII byte: callers test < 0x80).
struct Utf8Rune {
    char32_t value;
    std::size_t length;
};
std::optional<Utf8Rune> decode_utf8_rune(std::string_view text);

// `text` with each byte that does not start a valid sequence replaced by U+FFFD
// (as Go's encoding/json and strings.ToValidUTF8 per byte do).
std::string with_invalid_utf8_replaced(std::string_view text);

}  // namespace imgtrust::util
