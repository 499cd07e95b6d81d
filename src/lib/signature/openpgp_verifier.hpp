// Simple signing (GPG) verification, behind one interface with two engines:
//   "gpgme": gpg through gpgme (a gpg process per operation, a private GNUPGHOME);
//   "rnp":   librnp, in-process, keys held in memory (no GNUPGHOME, no gpg-agent).
// Both give c/image's gpgme verdicts (docs/openpgp-engines.md lists the cases
// checked and how RNP is made to agree). An engine holds one requirement's keys.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "signature/sigstore_payload.hpp"

namespace imgtrust::signature {

// What an engine says about an inline-signed OpenPGP message: exactly one
// signature, cryptographically good, by a key (primary or subkey) that is
// valid now: not expired, not revoked, bound to its primary key, allowed to sign.
struct OpenPgpVerifiedMessage {
    std::string signed_content;   // the literal data, at most max_signature_bytes
    std::string signing_key;      // fingerprint of the key that made the signature
    std::string signing_primary;  // fingerprint of its primary key (== signing_key for a primary key)
};

class OpenPgpVerifier {
public:
    virtual ~OpenPgpVerifier() = default;

    // Fingerprints of the primary keys imported from the key data (may be empty).
    virtual const std::vector<std::string>& trusted_fingerprints() const = 0;

    // The OpenPGP layer only. Throws SignatureRejected.
    virtual OpenPgpVerifiedMessage verify_message(std::string_view untrusted_signature) const = 0;

    // Verifies an "atomic container signature": the OpenPGP signature must be
    // good and made by a trusted key (or a subkey of one; not revoked, not
    // expired), then the payload is parsed strictly, then the rules run.
    // Throws SignatureRejected. Safe to call from several threads at once.
    VerifiedPayload verify(std::string_view untrusted_signature, const PayloadAcceptanceRules& rules) const;
};

// The engine names, in the order --help lists them.
inline constexpr std::string_view openpgp_engine_gpgme = "gpgme";
inline constexpr std::string_view openpgp_engine_rnp = "rnp";

// The engine used when none is named: "rnp" when built with RNP, else "gpgme".
std::string_view default_openpgp_engine();

// Throws ConfigError when `engine` is unknown or not built in (-Drnp=disabled).
// An empty name stands for the default engine.
void check_openpgp_engine(std::string_view engine);

// An engine holding the keys of `key_blobs` (each: armored or binary OpenPGP
// public keys, one or several). Throws ConfigError (unknown engine, engine setup).
std::unique_ptr<OpenPgpVerifier> make_openpgp_verifier(std::string_view engine, const std::vector<std::string>& key_blobs);

}  // namespace imgtrust::signature
