// Simple signing (GPG) through gpgme, as c/image's SignDockerManifest does.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::signing {

// Signs `payload` with the secret key `fingerprint` from the user's GnuPG home
// (gnupg_home, or GNUPGHOME / ~/.gnupg when nullopt), producing the attached
// (opaque, binary) OpenPGP message c/image writes to the lookaside (a normal,
// not detached, not armored signature, as signature/mechanism_gpgme.go makes it).
// The passphrase comes from gpg-agent (pinentry), or, when `passphrase` is set,
// from it in gpg's loopback pinentry mode (c/image's SignWithPassphrase).
// Throws ConfigError for an unknown key, a key without its secret part, a
// wrong passphrase, or any other signing failure.
std::string gpg_sign_payload(std::string_view fingerprint, std::string_view payload, const std::optional<std::string>& gnupg_home,
                             const std::function<std::string()>& passphrase = {});

}  // namespace imgtrust::signing
