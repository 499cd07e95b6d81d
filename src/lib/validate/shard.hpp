// `imgtrust validate --shard K/N`: one machine's part of a list checked on many
// (a Kubernetes Indexed Job, a CI matrix), and what its report carries so that
// `imgtrust report merge` can rebuild the report one machine would have written.
// WARNING: docs/validate-sharding.md documents the assignment; it is a promise
// (shard reports written by different versions must merge): never change it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "imgtrust/policy.hpp"
#include "imgtrust/validate.hpp"
#include "validate/validation_policy.hpp"

namespace imgtrust::validate {

// No engine runs more parallel pods or matrix jobs than this.
inline constexpr std::size_t max_shard_count = 1'000'000;

// ShardSelection (shard K of N: list entry i belongs to shard i mod N),
// parse_shard and ShardInfo are public: include/imgtrust/validate.hpp.

// The text whose SHA-256 is settingsSha256: every --policy/-p/keyless/PKI/
// bundle option as given, the report header (policy description, --arch, --os,
// --validate-manifest-index, --registry, --project), and the SHA-256 of every
// file the policy reads trust from (the policy file, keys, CA and Rekor
// files, trusted roots, also those a policy file names) and of inline key data.
// Access settings (auth files, certs.d, registries.d, --tls-verify, -j,
// --timeout, --retry-times) differ between machines and are not part of it.
// WARNING: keep in sync with TrustOptions: a new trust option must be added here.
std::string settings_fingerprint_text(const TrustOptions& trust, const Policy& policy, const ReportHeader& header);

ShardInfo make_shard_info(ShardSelection shard, std::string_view list_bytes, std::size_t list_entries,
                          const TrustOptions& trust, const Policy& policy, const ReportHeader& header);

}  // namespace imgtrust::validate
