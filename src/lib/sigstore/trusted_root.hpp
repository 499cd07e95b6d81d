// trusted_root.json (protobuf-specs sigstore_trustroot.proto, media types
// "application/vnd.dev.sigstore.trustedroot+json;version=0.1" and
// "application/vnd.dev.sigstore.trustedroot.v0.2+json") parsed into the
// immutable TrustedRoot of trust_material.hpp, and the lookups verification
// needs: a log by its log ID, valid at a time.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/bundle.hpp"
#include "sigstore/trust_material.hpp"

namespace imgtrust::sigstore {

inline constexpr std::size_t max_trusted_root_bytes = imgtrust::max_trusted_root_bytes;  // public (imgtrust/bundle.hpp)

// Parses a trusted root through util::parse_untrusted_json. `origin` names
// the file in messages and becomes TrustedRoot::origin_description. Throws
// imgtrust::ConfigError ("<origin>: <json path>: <reason>"): unknown media
// type or field, a key or certificate that does not parse, a validFor without
// its start (a TimeRange's start is required).
TrustedRoot parse_trusted_root(std::string_view json, const std::string& origin);

// The log of `logs` whose logId.keyId is `log_id`; nullptr if none.
const TransparencyLog* find_log_by_id(const std::vector<TransparencyLog>& logs, std::string_view log_id);

}  // namespace imgtrust::sigstore
