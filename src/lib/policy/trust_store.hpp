// The trust material named by a policy, loaded for every signedBy and
// sigstoreSigned requirement of every scope when the PolicyContext is built,
// and immutable afterwards: lookups are const and need no lock, so one store
// serves any number of threads.
//
// A key source that cannot be read or parsed is a ConfigError, as before
// ("One key that cannot be loaded fails the requirement"; imgtrust reports it
// as invalid configuration, exit 2, rather than as a rejection). It is
// recorded, not thrown, at load time: an image whose scope never reaches that
// requirement gets c/image's verdict, and evaluating the requirement throws
// the recorded error again. problems() lists them for embedders and lint.
#pragma once

#include <exception>
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

// Everything a sigstoreSigned requirement trusts. Exactly one of
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

class TrustStore {
public:
    // Loads the trust of every requirement of `policy`, which must outlive the
    // store and not move (requirements are found by address). openpgp_engine:
    // the engine signedBy keys are loaded into ("gpgme", "rnp", empty for the
    // default); the caller checks it first (check_openpgp_engine).
    TrustStore(const Policy& policy, const std::string& openpgp_engine);
    ~TrustStore();
    TrustStore(const TrustStore&) = delete;
    TrustStore& operator=(const TrustStore&) = delete;

    // The whole trust material of a sigstoreSigned requirement. Throws the
    // error recorded when it was loaded (CA files without a usable
    // certificate, non-ECDSA Rekor keys, unreadable files: ConfigError).
    const SigstoreTrust& sigstore_trust(const Requirement& requirement) const;
    // An OpenPGP engine holding the keys of a signedBy requirement with keyType
    // GPGKeys (other key types load nothing). Throws the recorded error.
    const signature::OpenPgpVerifier& gpg_keyring(const Requirement& requirement) const;

    // Every requirement whose trust could not be loaded: its location and the
    // message evaluating it throws, in policy order (default, then transports).
    const std::vector<PolicyDiagnostic>& problems() const { return problems_; }
    // Throws the error of problems().front(), if any (as evaluating its requirement would).
    void throw_first_problem() const;

private:
    struct Entry {
        std::optional<SigstoreTrust> sigstore;
        std::unique_ptr<signature::OpenPgpVerifier> keyring;
        std::exception_ptr error;  // set when loading failed
    };
    const Entry& entry(const Requirement& requirement) const;
    void load(const Requirement& requirement, const std::string& openpgp_engine);

    std::map<const Requirement*, Entry> entries_;
    std::vector<PolicyDiagnostic> problems_;
    std::exception_ptr first_error_;
};

}  // namespace imgtrust::policy
