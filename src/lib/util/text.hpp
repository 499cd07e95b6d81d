// Small text rules that several domains share. ASCII only: the inputs are
// protocol tokens (header names, hostnames, reference components), where
// locale-dependent case mapping would be wrong.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imgtrust::util {

// 'A'-'Z' mapped to 'a'-'z'; every other byte unchanged (Go's strings.ToLower on ASCII).
std::string ascii_lowercase(std::string_view text);

// Go's strings.Split with a one-byte separator: n separators give n+1 pieces,
// empty pieces included ("" gives {""}). The views point into `text`.
std::vector<std::string_view> split(std::string_view text, char separator);

}  // namespace imgtrust::util
