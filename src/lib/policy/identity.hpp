// The six signedIdentity matchers of containers-policy.json(5).
#pragma once

#include <optional>
#include <string>

#include "imgtrust/policy.hpp"
#include "imgtrust/reference.hpp"

namespace imgtrust::policy {

// True if a signature claiming `untrusted_signed_reference` is acceptable for
// an image whose docker reference is `image_reference` (nullopt for dir:/oci:,
// which only exactReference/exactRepository can match). Never throws for bad
// input: an unparseable claimed reference simply does not match.
bool identity_matches(const SignedIdentity& identity, const std::optional<DockerReference>& image_reference,
                      const std::string& untrusted_signed_reference);

// A one-sentence explanation of why a claimed identity did not match, when
// there is a well-known cause; empty if none. The causes, in this order:
// - the image has no docker reference and the identity is not exact*;
// - the claimed reference does not parse (the parse error is quoted);
// - the claimed reference names only a repository, as cosign writes it, under
//   matchRepoDigestOrExact, matchExact, remapIdentity or exactReference
//   ("... use matchRepository or exactRepository").
std::string identity_mismatch_hint(const SignedIdentity& identity, const std::optional<DockerReference>& image_reference,
                                   const std::string& untrusted_signed_reference);

// Policy-time validation, as c/image's constructors do it: exactReference must
// parse and carry a tag or digest, exactRepository must parse, remapIdentity's
// prefix and signedPrefix must each be a host[:port] or a name whose first
// component is one. Throws PolicyFormatError at `location` with c/image's
// wording ("dockerReference %q contains neither a tag nor digest", ...).
void validate_signed_identity(const SignedIdentity& identity, const std::string& location);

}  // namespace imgtrust::policy
