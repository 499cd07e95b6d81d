// The strict parse shared by simple signing ("atomic container signature",
// GPG) and cosign ("cosign container image signature") payloads, with the
// rules of c/image's paranoid JSON decoding: exactly the known keys, no
// duplicates, the right JSON types, no trailing data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::signature {

inline constexpr std::string_view simple_signing_type = "atomic container signature";
inline constexpr std::string_view sigstore_signature_type = "cosign container image signature";

// Everything in an UNVERIFIED or just-verified payload; none of it is trusted
// until the acceptance rules ran.
struct UntrustedPayloadContent {
    std::string untrusted_docker_manifest_digest;  // valid go-digest syntax
    std::string untrusted_docker_reference;        // not yet parsed
    std::optional<std::string> untrusted_creator;
    std::optional<std::int64_t> untrusted_timestamp;
};

enum class OptionalSection {
    must_be_object,   // simple signing: "optional" is an object
    object_or_null,   // cosign writes "optional": null when there are no annotations
};

// Throws SignatureRejected with c/image's messages (`Unknown key "x"`,
// `Duplicate key "x"`, `Key "x" missing in a JSON object`,
// "Unrecognized signature type ...", `invalid docker-manifest-digest value ...`).
UntrustedPayloadContent parse_untrusted_payload(std::string_view untrusted_json, std::string_view expected_type,
                                                OptionalSection optional_section);

}  // namespace imgtrust::signature
