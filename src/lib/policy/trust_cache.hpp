// Key material named by a policy, read once per PolicyContext for each
// requirement that uses it. A key source that cannot be read or parsed is a
// ConfigError ("One key that cannot be loaded fails the requirement"; imgtrust
// reports it as invalid configuration, exit 2, rather than as a rejection).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/policy.hpp"
#include "signature/fulcio.hpp"
#include "signature/openpgp_verifier.hpp"
#include "signature/pki.hpp"
#include "signature/public_key.hpp"
#include "sigstore/trust_material.hpp"

namespace imgtrust::policy {

// Everything a sigstoreSigned requirement trusts, loaded once. Exactly one of
// public_keys / fulcio / pki is set (the parser guarantees it); rekor_keys is
// empty when no rekorPublicKey* form is configured.
struct SigstoreTrust {
    std::vector<signature::PublicKey> public_keys;
    std::optional<signature::FulcioTrustRoot> fulcio;
    std::optional<signature::PkiTrustRoot> pki;
    std::vector<signature::PublicKey> rekor_keys;  // ECDSA only, as c/image requires
    // trustedRootPath/trustedRootData (imgtrust extension), when given: the
    // CAs and Rekor keys above come from it.
    std::shared_ptr<const sigstore::TrustedRoot> trusted_root;
    // What Sigstore bundles are checked against: trusted_root, or a root made
    // of the policy's own fulcio CAs and Rekor keys. Never null.
    std::shared_ptr<const sigstore::TrustedRoot> bundle_root;
};

class TrustCache {
public:
    // openpgp_engine: the engine signedBy keys are loaded into ("gpgme", "rnp",
    // empty for the default); checked when the first keyring is made.
    explicit TrustCache(std::string openpgp_engine = {}) : openpgp_engine_(std::move(openpgp_engine)) {}

    // The whole trust material of a sigstoreSigned requirement. CA files without
    // a usable certificate, non-ECDSA Rekor keys and unreadable files are ConfigError.
    const SigstoreTrust& sigstore_trust(const Requirement& requirement, const SigstoreSignedRequirement& sigstore);
    // Public keys of a sigstoreSigned requirement (keyPath/keyPaths/keyData/keyDatas):
    // the first PEM public key of each source, as c/image reads them.
    const std::vector<signature::PublicKey>& sigstore_public_keys(const Requirement& requirement,
                                                                 const SigstoreSignedRequirement& sigstore);
    // An OpenPGP engine holding the keys of a signedBy requirement.
    const signature::OpenPgpVerifier& gpg_keyring(const Requirement& requirement, const SignedByRequirement& signed_by);

private:
    std::string openpgp_engine_;
    std::map<const Requirement*, std::vector<signature::PublicKey>> public_keys_;
    std::map<const Requirement*, SigstoreTrust> sigstore_trust_;
    std::map<const Requirement*, std::unique_ptr<signature::OpenPgpVerifier>> keyrings_;
};

}  // namespace imgtrust::policy
