// The Sigstore trust material of a sigstoreSigned requirement: the TrustedRoot
// named by trustedRootPath/trustedRootData (an imgtrust extension), or one
// made from the policy's own fulcio CAs and rekorPublicKey* keys, so that
// bundles are checked against exactly what the policy trusts and nothing else.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "imgtrust/policy.hpp"
#include "signature/certificate.hpp"
#include "signature/public_key.hpp"
#include "sigstore/trust_material.hpp"

namespace imgtrust::policy {

// The root named by trustedRootPath/trustedRootData, parsed once; nullptr when
// the requirement names none. An unreadable or invalid root is a ConfigError
// naming `location`.
std::shared_ptr<const sigstore::TrustedRoot> load_requirement_trusted_root(const std::string& location,
                                                                           const SigstoreSignedRequirement& requirement);

// A TrustedRoot holding exactly the policy's Fulcio CA certificates (each one
// a trust anchor, valid at any time, as caPath is in c/image) and Rekor keys
// (log ID = SHA-256 of the key's DER, as Rekor v1 names itself); no CT log and
// no timestamp authority.
std::shared_ptr<const sigstore::TrustedRoot> trusted_root_from_policy_material(const std::vector<signature::Certificate>& fulcio_cas,
                                                                               const std::vector<signature::PublicKey>& rekor_keys,
                                                                               const std::string& location);

// What the legacy (.sig) path takes from a trusted root: every CA certificate
// as a trust anchor, and the ECDSA Rekor log keys (c/image's SETs are ECDSA).
std::vector<signature::Certificate> trusted_root_fulcio_certificates(const sigstore::TrustedRoot& root);
std::vector<signature::PublicKey> trusted_root_rekor_set_keys(const sigstore::TrustedRoot& root);

}  // namespace imgtrust::policy
