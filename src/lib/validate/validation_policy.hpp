// The policy `imgtrust validate` checks against: hangar's in-memory policy
// built from public keys, or a containers-policy.json file.
#pragma once

#include <string>
#include <vector>

#include "imgtrust/policy.hpp"

namespace imgtrust::validate {

struct TrustOptions {
    std::vector<std::string> key_paths;  // -p/--sigstore-pubkey, -k/--key (repeatable)
    std::string exact_repository;        // --exact-repository REPO
    bool match_repository = false;       // --match-repository
    std::string policy_path;             // --policy F
    bool insecure_policy = false;        // --insecure-policy
};

// With keys: default and transports.docker[""] both hold one sigstoreSigned
// requirement (keyPath, or keyPaths for several keys) whose signedIdentity is
// matchRepoDigestOrExact, or exactRepository / matchRepository when asked.
// Each key file is read and parsed now, so that a bad key is a configuration
// error before any image is checked. Throws ConfigError for conflicting or
// missing options and unreadable keys; PolicyFormatError for a bad policy file.
Policy build_validation_policy(const TrustOptions& options);

}  // namespace imgtrust::validate
