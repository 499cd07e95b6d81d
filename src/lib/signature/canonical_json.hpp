// RFC 8785 JSON Canonicalization Scheme, as the Go jsoncanonicalizer that
// c/image uses for Rekor SET payloads applies it: the input is parsed (duplicate
// keys, invalid JSON and non-finite numbers are errors), object keys are sorted
// by their UTF-16 code units, numbers are written in ECMAScript form and strings
// with the minimal escapes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::signature {

// Returns the canonical form of untrusted_json, or nullopt with `error` set.
std::optional<std::string> canonicalize_json(std::string_view untrusted_json, std::string& error);

// ECMAScript Number::toString for a finite double ("1e+21", "0.000001", "-0" → "0").
std::string ecmascript_number(double value);

}  // namespace imgtrust::signature
