// `imgtrust policy show`: what a policy requires, scope by scope, as podman
// image trust show describes it (pkg/trust: one row per requirement with the
// transport, the scope, the requirement type, the keys and the lookaside that
// registries.d gives the scope). Plain data, so the CLI only formats it.
#pragma once

#include <string>
#include <vector>

#include "config/registries_d.hpp"
#include "imgtrust/policy.hpp"

namespace imgtrust::policy {

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
    std::string source;               // the policy file
    std::vector<ScopeSummary> scopes;  // "default" first, then transports and scopes in name order
};

// Describes `policy`; `registries` is the loaded registries.d configuration
// (config::load_registries_d) used for the docker scopes' lookaside.
PolicySummary summarize_policy(const Policy& policy, const config::RegistriesDirectory& registries);

// The requirement alone (also what summarize_policy lists per scope).
RequirementSummary summarize_requirement(const Requirement& requirement);

}  // namespace imgtrust::policy
