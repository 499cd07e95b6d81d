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

// A user-facing explanation of why a claimed identity did not match, when
// there is a well-known cause (empty if none), e.g. a repository-only identity
// as cosign writes it, or an image without a docker reference.
std::string identity_mismatch_hint(const SignedIdentity& identity, const std::optional<DockerReference>& image_reference,
                                   const std::string& untrusted_signed_reference);

// Policy-time validation (exactReference needs a tag or digest, remapIdentity
// prefixes must be valid). Throws PolicyFormatError at `location`.
void validate_signed_identity(const SignedIdentity& identity, const std::string& location);

}  // namespace imgtrust::policy
