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
#include "validate/validation_policy.hpp"

namespace imgtrust::validate {

// No engine runs more parallel pods or matrix jobs than this.
inline constexpr std::size_t max_shard_count = 1'000'000;

// Shard K of N, 0-based (K = JOB_COMPLETION_INDEX of a Kubernetes Indexed Job,
// strategy.job-index of a GitHub Actions matrix). List entry i (0-based over
// the entries ImageListReader yields: blank and comment lines are not entries)
// belongs to shard i mod N, so every entry is in exactly one shard.
struct ShardSelection {
    std::size_t index = 0;
    std::size_t count = 1;
    bool contains(std::size_t entry_index) const { return entry_index % count == index; }
    // How many of the first `entries` list entries belong to this shard.
    std::size_t entries_among(std::size_t entries) const {
        return entries / count + (index < entries % count ? 1 : 0);
    }
};

// Parses "K/N": decimal digits only, 1 <= N <= max_shard_count, 0 <= K < N.
// Throws ConfigError (exit 2) saying what is wrong, e.g. for the 1-based "4/4".
ShardSelection parse_shard(std::string_view text);

// The `shard` header of a shard report: which shard, and what the shards of
// one run must share (the list's bytes, the trust settings).
struct ShardInfo {
    ShardSelection shard;
    std::size_t list_entries = 0;  // entries in the whole list
    std::string list_sha256;       // "sha256:<hex>" of the list file's bytes
    std::string settings_sha256;   // "sha256:<hex>" of settings_fingerprint's text
};

struct ReportHeader;

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
