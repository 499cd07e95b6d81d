// Simple signing (GPG) verification through gpgme, with the trusted keys
// imported into a private GNUPGHOME that is removed when the keyring is destroyed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "signature/sigstore_payload.hpp"

namespace imgtrust::signature {

class GpgKeyring {
public:
    // Imports each blob (armored or binary public keys). Throws ConfigError if
    // gpgme cannot be set up. trusted_fingerprints() may be empty (no key imported).
    explicit GpgKeyring(const std::vector<std::string>& key_blobs);
    ~GpgKeyring();
    GpgKeyring(const GpgKeyring&) = delete;
    GpgKeyring& operator=(const GpgKeyring&) = delete;

    const std::vector<std::string>& trusted_fingerprints() const;  // primary key fingerprints

    // Verifies an "atomic container signature": the OpenPGP signature must be
    // good and made by a trusted key (or a subkey of one; not revoked, not
    // expired), then the payload is parsed strictly, then the rules run.
    // Throws SignatureRejected.
    VerifiedPayload verify(std::string_view untrusted_signature, const PayloadAcceptanceRules& rules) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace imgtrust::signature
