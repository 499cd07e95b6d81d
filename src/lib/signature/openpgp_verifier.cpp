// The engine-independent half of simple signing verification (as c/image's
// verifyAndExtractSignature): the engine's verdict on the OpenPGP message,
// then the trusted-key check (a subkey counts as its primary key), then the
// strict payload parse, the digest rule and the identity rule.
#include "signature/openpgp_verifier.hpp"

#include <algorithm>

#include "imgtrust/errors.hpp"
#include "imgtrust/openpgp.hpp"
#include "signature/gpgme_verifier.hpp"
#include "signature/payload_json.hpp"
#include "signature/rejection.hpp"
#include "signature/rnp_verifier.hpp"

namespace imgtrust::signature {
namespace {

bool contains(const std::vector<std::string>& fingerprints, const std::string& fingerprint) {
    return !fingerprint.empty() && std::find(fingerprints.begin(), fingerprints.end(), fingerprint) != fingerprints.end();
}

// The trusted primary key for the key that signed: itself, or the primary key of a subkey.
std::string accepted_primary_key(const std::vector<std::string>& trusted, const OpenPgpVerifiedMessage& message) {
    if (contains(trusted, message.signing_key)) return message.signing_key;
    if (!contains(trusted, message.signing_primary))
        throw SignatureRejected(RejectionKind::untrusted_signer, "signature by key " + message.signing_key + " of " + message.signing_primary +
                                " is not accepted");
    return message.signing_primary;
}

}  // namespace

VerifiedPayload OpenPgpVerifier::verify(std::string_view untrusted_signature, const PayloadAcceptanceRules& rules) const {
    OpenPgpVerifiedMessage message = verify_message(untrusted_signature);
    std::string primary = accepted_primary_key(trusted_fingerprints(), message);
    UntrustedPayloadContent content =
        parse_untrusted_payload(message.signed_content, simple_signing_type, OptionalSection::must_be_object);
    rules.validate_signed_docker_manifest_digest(content.untrusted_docker_manifest_digest);
    rules.validate_signed_docker_reference(content.untrusted_docker_reference);
    return VerifiedPayload{content.untrusted_docker_manifest_digest, content.untrusted_docker_reference, primary};
}

std::string_view default_openpgp_engine() {
#ifdef IMGTRUST_HAVE_RNP
    return openpgp_engine_rnp;
#else
    return openpgp_engine_gpgme;
#endif
}

void check_openpgp_engine(std::string_view engine) {
    if (engine.empty() || engine == openpgp_engine_gpgme) return;
    if (engine == openpgp_engine_rnp) {
#ifdef IMGTRUST_HAVE_RNP
        return;
#else
        throw ConfigError("OpenPGP engine \"rnp\" is not available: this imgtrust was built without RNP (-Drnp=disabled); "
                          "use --openpgp-engine gpgme");
#endif
    }
    throw ConfigError("unknown OpenPGP engine \"" + std::string(engine) + "\" (known: gpgme, rnp)");
}

std::unique_ptr<OpenPgpVerifier> make_openpgp_verifier(std::string_view engine, const std::vector<std::string>& key_blobs) {
    check_openpgp_engine(engine);
    if (engine.empty()) engine = default_openpgp_engine();
#ifdef IMGTRUST_HAVE_RNP
    if (engine == openpgp_engine_rnp) return make_rnp_verifier(key_blobs);
#endif
    return make_gpgme_verifier(key_blobs);
}

}  // namespace imgtrust::signature

namespace imgtrust {

std::vector<std::string> openpgp_engine_names() {
    return {std::string(signature::openpgp_engine_gpgme), std::string(signature::openpgp_engine_rnp)};
}

std::string resolve_openpgp_engine(const std::string& requested) {
    signature::check_openpgp_engine(requested);
    return requested.empty() ? std::string(signature::default_openpgp_engine()) : requested;
}

}  // namespace imgtrust
