// Key material named by a policy, read once per PolicyContext for each
// requirement that uses it. A key source that cannot be read or parsed is a
// ConfigError ("One key that cannot be loaded fails the requirement"; imgtrust
// reports it as invalid configuration, exit 2, rather than as a rejection).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "imgtrust/policy.hpp"
#include "signature/gpg_keyring.hpp"
#include "signature/public_key.hpp"

namespace imgtrust::policy {

class TrustCache {
public:
    // Public keys of a sigstoreSigned requirement (keyPath/keyPaths/keyData/keyDatas):
    // the first PEM public key of each source, as c/image reads them.
    const std::vector<signature::PublicKey>& sigstore_public_keys(const Requirement& requirement,
                                                                 const SigstoreSignedRequirement& sigstore);
    // A private GPG keyring holding the keys of a signedBy requirement.
    const signature::GpgKeyring& gpg_keyring(const Requirement& requirement, const SignedByRequirement& signed_by);

private:
    std::map<const Requirement*, std::vector<signature::PublicKey>> public_keys_;
    std::map<const Requirement*, std::unique_ptr<signature::GpgKeyring>> keyrings_;
};

}  // namespace imgtrust::policy
