// `imgtrust policy show`: what a policy requires, scope by scope, as podman
// image trust show describes it (pkg/trust: one row per requirement with the
// transport, the scope, the requirement type, the keys and the lookaside that
// registries.d gives the scope). Plain data, so the CLI only formats it.
#pragma once

#include <string>
#include <vector>

#include "config/registries_d.hpp"
#include "imgtrust/policy.hpp"
#include "imgtrust/policy_summary.hpp"

namespace imgtrust::policy {

// The summary types are the public ones (imgtrust/policy_summary.hpp).
using imgtrust::PolicySummary;
using imgtrust::RequirementSummary;
using imgtrust::ScopeSummary;

// Describes `policy`; `registries` is the loaded registries.d configuration
// (config::load_registries_d) used for the docker scopes' lookaside.
PolicySummary summarize_policy(const Policy& policy, const config::RegistriesDirectory& registries);

// The requirement alone (also what summarize_policy lists per scope).
RequirementSummary summarize_requirement(const Requirement& requirement);

}  // namespace imgtrust::policy
