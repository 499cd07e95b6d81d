// Sigstore trust material, as a TrustedRoot (sigstore_trustroot.proto) lists
// it: certificate authorities (Fulcio), transparency logs (Rekor), certificate
// transparency logs and timestamp authorities, each trusted only inside its
// validFor window. The built-in public-good root, a --trusted-root file and a
// policy's keys all become one of these before any bundle is verified.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "signature/certificate.hpp"
#include "signature/public_key.hpp"

namespace imgtrust::sigstore {

// TimeRange: "start" is required by the spec where a window is given; a
// missing "end" means the material is still in use. Both ends are inclusive.
struct ValidityWindow {
    std::optional<std::time_t> start;
    std::optional<std::time_t> end;
    bool contains(std::time_t at) const { return (!start || at >= *start) && (!end || at <= *end); }
};

// A CertificateAuthority (Fulcio) or a timestamp authority: its chain as the
// root lists it, the issuing certificate first and the self-signed root last.
struct CertificateAuthority {
    std::string uri;
    std::string subject;  // "organization/commonName" of the authority, for messages
    std::vector<signature::Certificate> chain;
    ValidityWindow valid_for;
};

// A TransparencyLogInstance: a Rekor log (tlogs) or a CT log (ctlogs).
struct TransparencyLog {
    std::string base_url;
    std::string log_id;  // raw bytes of logId.keyId (SHA-256 of the key's DER for v1 logs)
    std::string checkpoint_key_id;  // raw bytes of checkpointKeyId when the root gives one
    std::string origin;             // the checkpoint origin ("rekor.sigstore.dev - 1193050959916656506") when known
    signature::PublicKey key;
    ValidityWindow valid_for;
    std::string key_details;  // PublicKeyDetails name ("PKIX_ECDSA_P256_SHA_256", "PKIX_ED25519", …) when the root gives one
};

struct TrustedRoot {
    std::string media_type;
    std::vector<CertificateAuthority> certificate_authorities;
    std::vector<TransparencyLog> tlogs;
    std::vector<TransparencyLog> ctlogs;
    std::vector<CertificateAuthority> timestamp_authorities;
    std::string origin_description;  // "built-in public-good root (…)" or the file it came from, for --debug
};

}  // namespace imgtrust::sigstore
