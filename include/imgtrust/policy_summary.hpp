// What a policy requires, scope by scope, as podman image trust show
// describes it (one entry per requirement: the transport, the scope, the
// requirement type, the keys, the identity and the lookaside registries.d
// gives the scope). Plain data: `imgtrust policy show` only formats it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "imgtrust/export.hpp"
#include "imgtrust/policy.hpp"

namespace imgtrust {

struct RequirementSummary {
    std::string type;         // the policy "type": insecureAcceptAnything, reject, signedBy, sigstoreSigned, signedBaseLayer
    std::string description;  // podman's name for it: accept, reject, signed, sigstoreSigned (signedBaseLayer: itself)
    std::string key_type;     // signedBy "keyType" ("GPGKeys", …); empty otherwise
    // Trusted keys and roots as written: file names, "keyData (N bytes)", and for
    // keyless requirements "fulcio CA …", "pki CA roots …", "rekor key …", "trusted root …".
    std::vector<std::string> keys;
    std::string identity;  // signedIdentity (or baseLayerIdentity): "matchRepoDigestOrExact", "exactReference R", …
    // Certificate identity rules of fulcio/pki ("oidcIssuer=…", "subjectEmail=…", imgtrust extensions).
    std::vector<std::string> certificate_identity;
};

struct ScopeSummary {
    std::string transport;  // "" for the policy's "default"
    std::string scope;      // the scope as written ("" = the transport's default scope); "default" for "default"
    bool is_default = false;
    // Where signedBy signatures of docker images in this scope are read from
    // (registries.d lookaside); empty for other transports.
    std::string lookaside;
    std::string lookaside_source;  // "docker namespace S", "default-docker", "built-in default"
    std::vector<RequirementSummary> requirements;
};

struct PolicySummary {
    std::string source;                // the policy file
    std::vector<ScopeSummary> scopes;  // "default" first, then transports and scopes in name order
};

// Describes `policy`. The lookaside of each docker scope comes from the
// registries.d configuration: `registries_d` alone when given (--registries.d),
// else the drop-ins of the per-user, /etc/containers and /usr/share/containers
// registries.d directories. Reads no key file. Throws ConfigError for an
// invalid registries.d configuration.
IMGTRUST_API PolicySummary summarize_policy(const Policy& policy, const std::optional<std::string>& registries_d);

// The policy file's bytes as they are, unparsed (policy lint, policy show
// --raw): a regular file of at most 4 MiB. Throws ConfigError when it does not
// exist or cannot be read.
IMGTRUST_API std::string read_policy_file_text(const std::string& path);

}  // namespace imgtrust
