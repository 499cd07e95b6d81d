// Shared helpers for the signature tests: fixture files written by
// tests/fixtures/regenerate-keys.sh and acceptance rules that record their calls.
#pragma once

#include <string>
#include <vector>

#include "fixtures.hpp"
#include "signature/rejection.hpp"
#include "signature/sigstore_payload.hpp"
#include "util/bytes.hpp"

namespace signature_test {

// The values tools/make_payloads.sh signs (see tests/fixtures/payloads/README.md).
inline const std::string signed_digest = "sha256:0b3dbd8e2ea6d6e4c0f8c3a5b2f9e7d1a4c6b8e0f2d4a6c8e0b2d4f6a8c0e2d4";
inline const std::string other_digest = "sha256:f1e2d3c4b5a6978869504a3b2c1d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819";
inline const std::string signed_reference = "example.com/imgtrust/test:v1";
inline const std::string other_reference = "example.com/imgtrust/other:v1";

using ::read_fixture;  // tests/unit/fixtures.hpp

// Every OpenPGP engine built in: "gpgme", and "rnp" with IMGTRUST_HAVE_RNP.
inline std::vector<std::string> built_engines() {
#ifdef IMGTRUST_HAVE_RNP
    return {"gpgme", "rnp"};
#else
    return {"gpgme"};
#endif
}

// Rules that accept exactly signed_digest / signed_reference, with
// c/image's rejection messages, and record the order in which they ran.
struct RecordingRules {
    std::vector<std::string> calls;
    std::string expected_digest = signed_digest;
    std::string expected_reference = signed_reference;

    imgtrust::signature::PayloadAcceptanceRules rules() {
        return {
            [this](const std::string& digest) {
                calls.push_back("digest");
                if (digest != expected_digest)
                    throw imgtrust::signature::SignatureRejected("Signature for digest " + digest + " does not match");
            },
            [this](const std::string& reference) {
                calls.push_back("identity");
                if (reference != expected_reference)
                    throw imgtrust::signature::SignatureRejected("Signature for identity \"" + reference + "\" is not accepted");
            },
        };
    }
};

}  // namespace signature_test
