// The policy `imgtrust validate` checks against: hangar's in-memory policy
// built from public keys, a Fulcio (keyless) or PKI trust given on the
// command line, or a containers-policy.json file.
#pragma once

#include <string>
#include <vector>

#include "imgtrust/policy.hpp"
#include "imgtrust/validate.hpp"

namespace imgtrust::validate {

// TrustOptions, build_validation_policy and trust_option_warnings are public
// (include/imgtrust/validate.hpp); this is how the policy is built.

// Which in-memory trust the options select (none: a policy file or --insecure-policy).
enum class TrustKind { none, keys, fulcio, pki };
TrustKind trust_kind(const TrustOptions& options);

// build_validation_policy (public header), with keys, fulcio or pki: default and transports.docker[""] both hold one
// sigstoreSigned requirement whose signedIdentity is matchRepoDigestOrExact,
// or exactRepository / matchRepository / matchDigestOnly when asked.
//   keys:   keyPath (keyPaths for several), plus rekorPublicKeyPath(s) when
//           --rekor-public-key is given ("the signature must also be logged"),
//           or trustedRootPath with --trusted-root;
//   fulcio: fulcio {caPath, oidcIssuer|oidcIssuerRegExp, subject|subjectRegExp,
//           githubWorkflow*} + rekorPublicKeyPath(s), mandatory as
//           containers-policy.json(5) requires; or, instead of caPath and the
//           Rekor keys, trustedRootPath (--trusted-root) or, with none of the
//           three, trustedRootData holding the built-in public-good root;
//   pki:    pki {caRootsPath, caIntermediatesPath, subject|subjectRegExp, subjectHostname}.
// Every trust file is read and parsed now, so that a bad file is a
// configuration error before any image is checked. Throws ConfigError for
// conflicting or missing options and unusable files; PolicyFormatError for a
// bad policy file.

}  // namespace imgtrust::validate
