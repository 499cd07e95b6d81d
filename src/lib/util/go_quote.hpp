// Go's strconv.Quote, for messages that must read as c/image's %q does.
// (JSON quoting for policy locations is a different rule: policy/strict_json's
// quote_json_string writes \u00XX, Go writes \xXX, \a, \u2028, ...)
#pragma once

#include <string>
#include <string_view>

namespace imgtrust::util {

// A double-quoted Go string literal: \" and \\; \a \b \f \n \r \t \v; other
// control bytes and each byte of invalid UTF-8 as \xXX; valid runes Go does
// not print (C1 controls, format characters, separators other than the ASCII
// space, private use) as \uXXXX or \UXXXXXXXX; every other rune as itself.
// Unassigned code points are printed as themselves (Go escapes them; the
// Unicode tables that would tell them apart are not worth carrying).
std::string go_quote(std::string_view text);

}  // namespace imgtrust::util
