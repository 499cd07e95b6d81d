// Decoders that reproduce the acceptance rules and error wording of the Go
// standard library and go-digest, which c/image's messages are made of.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::signature {

// encoding/base64 StdEncoding.DecodeString: padding required, '\r' and '\n'
// skipped anywhere, non-zero trailing bits tolerated. On failure returns
// nullopt and sets error to "illegal base64 data at input byte N".
std::optional<std::string> go_base64_std_decode(std::string_view text, std::string& error);

// go-digest's Parse/Validate: "algorithm:encoded" with sha256, sha384 or
// sha512. Returns "" if valid, else go-digest's message ("invalid checksum
// digest format", "invalid checksum digest length", "unsupported digest algorithm").
std::string go_digest_validation_error(std::string_view digest);

// The JSON kind as Go's encoding/json names it in type errors ("string",
// "number", "bool", "array", "object", "null").
const char* go_json_kind(const rapidjson::Value& value);

}  // namespace imgtrust::signature
