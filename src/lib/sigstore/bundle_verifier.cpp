// verify_bundle: the client specification's steps in order. Every check
// that fails throws signature::SignatureRejected with what the user can act on.
#include "sigstore/bundle_verifier.hpp"

#include <openssl/x509.h>

#include <set>

#include "imgtrust/errors.hpp"
#include "signature/rejection.hpp"
#include "sigstore/bundle.hpp"
#include "sigstore/certificate_verifier.hpp"
#include "sigstore/dsse.hpp"
#include "sigstore/key_signature.hpp"
#include "sigstore/sct.hpp"
#include "sigstore/timestamp.hpp"
#include "sigstore/tlog_verifier.hpp"
#include "util/bytes.hpp"

namespace imgtrust::sigstore {
namespace {

[[noreturn]] void reject(const std::string& reason) { throw signature::SignatureRejected(reason); }

std::string certificate_der(const signature::Certificate& certificate) {
    unsigned char* der = nullptr;
    int length = i2d_X509(certificate.get(), &der);
    if (length <= 0) reject("cannot encode the signing certificate");
    std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return bytes;
}

// The one signature a bundle carries (a DSSE envelope in a bundle has exactly one).
const std::string& bundle_signature(const Bundle& bundle) {
    if (bundle.message_signature) return bundle.message_signature->signature;
    if (bundle.dsse_envelope->signatures.size() != 1)
        reject("the DSSE envelope has " + std::to_string(bundle.dsse_envelope->signatures.size()) +
               " signatures; a Sigstore bundle carries exactly one");
    return bundle.dsse_envelope->signatures.front().signature;
}

// messageSignature: the signature over the artifact (or its digest). The
// messageDigest is "an unauthenticated hint", but it must agree with the artifact.
void verify_message_signature(const MessageSignature& message, const signature::PublicKey& key, const ArtifactExpectation& artifact) {
    if (message.digest_algorithm) {
        auto actual = artifact.raw_digest(*message.digest_algorithm);
        if (actual && *actual != message.digest)
            reject("the bundle's message digest " + util::hex_encode(message.digest) + " is not the artifact's digest " + util::hex_encode(*actual));
    }
    bool verified = false;
    if (artifact.bytes()) {
        verified = verify_message(key, *artifact.bytes(), message.signature);
    } else {
        if (!default_hash_for(key)) reject("an Ed25519 signature cannot be verified from the artifact's digest alone: give the artifact file");
        verified = verify_prehashed(key, artifact.digest().algorithm(), *artifact.raw_digest(artifact.digest().algorithm()), message.signature);
    }
    if (!verified) reject("the signature does not verify over the artifact with the " + key.algorithm() + " key " + key.fingerprint());
}

void verify_envelope_signature(const DsseEnvelope& envelope, const signature::PublicKey& key) {
    if (!verify_message(key, dsse_pae(envelope.payload_type, envelope.payload), envelope.signatures.front().signature))
        reject("the DSSE envelope's signature does not verify with the " + key.algorithm() + " key " + key.fingerprint());
}

void verify_content_signature(const Bundle& bundle, const signature::PublicKey& key, const ArtifactExpectation& artifact) {
    if (bundle.message_signature) verify_message_signature(*bundle.message_signature, key, artifact);
    else verify_envelope_signature(*bundle.dsse_envelope, key);
}

// Keyed mode: "the bundle's verification material is a public key hint"; the
// first trusted key that verifies the content is the signer.
signature::PublicKey signing_key_from_trusted_keys(const Bundle& bundle, const BundleVerificationOptions& options,
                                                   const ArtifactExpectation& artifact) {
    if (!bundle.certificates.empty()) reject("the bundle carries a certificate, but verification was asked with a public key");
    std::string failure;
    for (const signature::PublicKey& key : options.trusted_keys) {
        try {
            verify_content_signature(bundle, key, artifact);
            return key;
        } catch (const signature::SignatureRejected& error) {
            failure = error.what();
        }
    }
    if (options.trusted_keys.size() == 1) reject(failure);
    reject("none of the " + std::to_string(options.trusted_keys.size()) + " trusted keys verifies the signature (last: " + failure + ")");
}

LoggedContent logged_content(const Bundle& bundle, const signature::PublicKey& key, const ArtifactExpectation& artifact) {
    LoggedContent content;
    content.signature = bundle_signature(bundle);
    content.verifier_is_certificate = !bundle.certificates.empty();
    content.verifier_der = content.verifier_is_certificate ? certificate_der(bundle.certificates.front()) : key.subject_public_key_info_der();
    content.is_dsse = bundle.dsse_envelope.has_value();
    content.artifact = &artifact;
    if (content.is_dsse) {
        content.payload = bundle.dsse_envelope->payload;
        content.payload_type = bundle.dsse_envelope->payload_type;
    }
    return content;
}

// Transparency log entries, then RFC 3161 timestamps: the verified times.
std::vector<TimeSource> verify_time_sources(const Bundle& bundle, const BundleVerificationOptions& options, const LoggedContent& content,
                                            VerifiedBundle& result) {
    std::time_t now = options.now.value_or(std::time(nullptr));
    TlogVerification tlog = verify_tlog_entries(bundle.tlog_entries, *options.trusted_root, content, now);
    std::set<std::string> logs;
    std::vector<TimeSource> times;
    for (const VerifiedTlogEntry& entry : tlog.verified) {
        logs.insert(entry.log_id);
        if (entry.set_integrated_time) times.push_back({TimeSource::Kind::rekor_set, *entry.set_integrated_time, entry.base_url});
    }
    result.verified_tlog_entries = tlog.verified.size();
    if (logs.size() < options.tlog_threshold) {
        std::string why = bundle.tlog_entries.empty() ? "the bundle has no transparency log entry" : tlog.skipped.empty() ? "" : tlog.skipped.front();
        reject("not enough verified transparency log entries: " + std::to_string(logs.size()) + " of " +
               std::to_string(options.tlog_threshold) + " required" + (why.empty() ? "" : " (" + why + ")"));
    }
    if (!bundle.rfc3161_timestamps.empty())
        for (const VerifiedTimestamp& stamp : verify_rfc3161_timestamps(*options.trusted_root, bundle.rfc3161_timestamps, content.signature))
            times.push_back({TimeSource::Kind::rfc3161_timestamp, stamp.time, stamp.authority});
    if (times.size() < options.observer_timestamp_threshold)
        reject("not enough verified signing times: " + std::to_string(times.size()) + " of " + std::to_string(options.observer_timestamp_threshold) +
               " required (a Rekor v1 signed entry timestamp or an RFC 3161 timestamp from a trusted authority)");
    return times;
}

// DSSE: the verified payload must be an in-toto statement naming the artifact.
void check_dsse_subject(VerifiedBundle& result, const ArtifactExpectation& artifact) {
    if (result.payload_type != in_toto_payload_type) {
        if (artifact.raw_digest(artifact.digest().algorithm()) != util::raw_digest(artifact.digest().algorithm(), result.payload))
            reject("the DSSE payload (type \"" + result.payload_type.substr(0, 100) + "\") is not the artifact");
        return;
    }
    InTotoStatement statement = parse_in_toto_statement(result.payload);
    result.predicate_type = statement.predicate_type;
    bool found = false;
    for (const StatementSubject& subject : statement.subjects) {
        for (const util::Digest& digest : subject.digests) {
            auto expected = artifact.raw_digest(digest.algorithm());
            if (expected && util::hex_encode(*expected) == digest.hex()) found = true;
        }
        result.subjects.push_back({subject.name, subject.digests});
    }
    if (!found) reject("the artifact's digest " + artifact.digest().string() + " is not a subject of the in-toto statement");
}

}  // namespace

VerifiedBundle verify_bundle(std::string_view untrusted_bundle_json, const ArtifactExpectation& artifact,
                             const BundleVerificationOptions& options) {
    if (!options.trusted_root) throw ConfigError("bundle verification needs a trusted root");
    Bundle bundle = parse_bundle(untrusted_bundle_json);
    const bool keyed = !options.trusted_keys.empty();
    if (!keyed && bundle.certificates.empty())
        reject("the bundle is signed with a public key (no certificate): verify it with the key (--key)");
    const bool own_certificate_rules = static_cast<bool>(options.verify_certificate_instead);
    if (!keyed && !options.check_identity && !own_certificate_rules)
        throw ConfigError("certificate verification needs an identity requirement");
    if (bundle.has_certificate_chain_form) reject_bundled_root_certificates(bundle.certificates);
    bundle_signature(bundle);

    // The signature over the raw content first: it also tells which trusted key signed.
    signature::PublicKey key = keyed ? signing_key_from_trusted_keys(bundle, options, artifact) : bundle.certificates.front().public_key();
    if (!keyed) verify_content_signature(bundle, key, artifact);

    VerifiedBundle result(bundle.message_signature ? ContentKind::message_signature : ContentKind::dsse_envelope, key);
    LoggedContent content = logged_content(bundle, key, artifact);
    result.time_sources = verify_time_sources(bundle, options, content, result);

    if (!keyed && own_certificate_rules) {
        const std::vector<signature::Certificate> intermediates(bundle.certificates.begin() + 1, bundle.certificates.end());
        options.verify_certificate_instead(bundle.certificates.front(), intermediates);
        result.certificate = signature::summarize_certificate(bundle.certificates.front());
    } else if (!keyed) {
        const signature::Certificate& leaf = bundle.certificates.front();
        std::vector<std::time_t> times;
        for (const TimeSource& source : result.time_sources) times.push_back(source.time);
        signature::Certificate issuer = verify_leaf_certificate(*options.trusted_root, leaf, times);
        verify_embedded_scts(*options.trusted_root, leaf, issuer);
        result.certificate = signature::summarize_certificate(leaf);
        try {
            result.certificate->oidc_issuer = signature::fulcio_issuer_in_certificate(leaf);
        } catch (const signature::SignatureRejected&) {
            // Not a Fulcio certificate, or a malformed issuer: the identity check decides.
        }
    }
    if (bundle.dsse_envelope) {
        result.payload_type = bundle.dsse_envelope->payload_type;
        result.payload = bundle.dsse_envelope->payload;
        check_dsse_subject(result, artifact);
    }
    if (!keyed && !own_certificate_rules) options.check_identity(bundle.certificates.front());
    return result;
}

}  // namespace imgtrust::sigstore
