// `imgtrust policy lint`: every error in a policy, plus warnings about
// policies that are valid but probably do not do what their author meant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/policy.hpp"

namespace imgtrust::policy {

// Errors from parsing (all of them, as collect_policy_errors), then, if the
// policy is valid, warnings: insecureAcceptAnything-only lists, scopes that
// drop the signature requirement of an enclosing scope, unknown transports,
// docker scopes that are not fully expanded, sigstoreSigned with the default
// identity (cosign's repository-only identity trap), missing key files,
// requirements that reject every image (signedBy keyPaths: [], keyType values
// containers/image has no verifier for, signedBaseLayer).
std::vector<PolicyDiagnostic> lint_policy(std::string_view json, const std::string& source_name);

}  // namespace imgtrust::policy
