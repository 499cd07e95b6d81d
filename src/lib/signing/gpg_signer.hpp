// Simple signing (GPG) through gpgme, as c/image's SignDockerManifest does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::signing {

// Signs `payload` with the secret key `fingerprint` from the user's GnuPG home
// (gnupg_home, or GNUPGHOME / ~/.gnupg when nullopt), producing the attached
// (opaque, binary) OpenPGP message c/image writes to the lookaside. The
// passphrase comes from gpg-agent (pinentry). Throws ConfigError for an unknown
// key, a key without its secret part, or a signing failure.
std::string gpg_sign_payload(std::string_view fingerprint, std::string_view payload, const std::optional<std::string>& gnupg_home);

}  // namespace imgtrust::signing
