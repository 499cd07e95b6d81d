#include "policy/sigstore_signed_bundle.hpp"

#include <ctime>

#include "policy/signature_rules.hpp"
#include "signature/certificate_identity.hpp"
#include "signature/fulcio.hpp"
#include "signature/pki.hpp"
#include "signature/rejection.hpp"
#include "sigstore/artifact.hpp"
#include "sigstore/bundle_verifier.hpp"
#include "util/digest.hpp"

namespace imgtrust::policy {
namespace {

[[noreturn]] void reject(const std::string& reason, RejectionKind kind = RejectionKind::invalid_signature) {
    throw signature::SignatureRejected(kind, reason);
}

// What the requirement's trust asks of a bundle. `identity_summary` receives
// the certificate and the identity that held, for the report.
sigstore::BundleVerificationOptions bundle_options(const SigstoreTrust& trust,
                                                   std::optional<signature::CertificateSummary>& identity_summary) {
    sigstore::BundleVerificationOptions options;
    options.trusted_root = trust.bundle_root.get();
    if (!trust.public_keys.empty()) {
        // keyPath…: "the signature must also be logged" only when Rekor keys (or a trusted root) are configured.
        options.trusted_keys = trust.public_keys;
        const bool logged = !trust.bundle_root->tlogs.empty();
        options.tlog_threshold = logged ? 1 : 0;
        options.observer_timestamp_threshold = logged ? 1 : 0;
        return options;
    }
    if (trust.fulcio) {
        auto identity = trust.fulcio->identity ? trust.fulcio->identity
                                               : std::make_shared<const signature::IdentityRequirement>(
                                                     signature::fulcio_identity_requirement(*trust.fulcio));
        options.check_identity = [identity, &identity_summary](const signature::Certificate& leaf) {
            identity_summary = signature::summarize_identity_match(leaf, signature::match_certificate_identity(leaf, *identity));
        };
        return options;
    }
    // pki: the user's CA decides, checked now (as for .sig signatures); no log, no timestamp.
    const signature::PkiTrustRoot* pki = &*trust.pki;
    options.tlog_threshold = 0;
    options.observer_timestamp_threshold = 0;
    options.verify_certificate_instead = [pki, &identity_summary](const signature::Certificate& leaf,
                                                                   const std::vector<signature::Certificate>& untrusted_intermediates) {
        auto match = signature::verify_pki_leaf(*pki, leaf, untrusted_intermediates, std::time(nullptr));
        identity_summary = match ? signature::summarize_identity_match(leaf, *match) : signature::summarize_certificate(leaf);
        identity_summary->oidc_issuer.clear();  // a pki certificate's issuer is its CA
    };
    return options;
}

void record_verified_bundle(const sigstore::VerifiedBundle& verified,
                            const std::optional<signature::CertificateSummary>& identity_summary, SignatureOutcome& record) {
    record.key_fingerprint = verified.signing_key.fingerprint();
    for (const sigstore::TimeSource& source : verified.time_sources)
        record.signing_times.push_back({source.kind_name(), static_cast<std::int64_t>(source.time), source.authority});
    if (identity_summary) record_certificate_summary(record, *identity_summary);
    else if (verified.certificate) record_certificate_summary(record, *verified.certificate);
}

// "The in-toto subject digest must equal the manifest digest read, and
// predicateType must be cosign's sign predicate."
void check_image_statement(const sigstore::VerifiedBundle& verified, const std::string& manifest_digest) {
    if (verified.content_kind != sigstore::ContentKind::dsse_envelope)
        reject("the Sigstore bundle signs a message, not an in-toto statement: it is not a cosign image signature");
    if (verified.predicate_type != cosign_sign_predicate_type)
        reject("the Sigstore bundle's in-toto statement has predicateType \"" + verified.predicate_type.substr(0, 200) +
               "\", not cosign's image signature predicate \"" + std::string(cosign_sign_predicate_type) +
               "\" (an attestation or another artifact, not a signature)");
    if (verified.subjects.size() != 1)
        reject("the Sigstore bundle's in-toto statement has " + std::to_string(verified.subjects.size()) +
               " subjects; a cosign image signature has exactly one, the manifest digest");
    bool names_manifest = false;
    for (const util::Digest& digest : verified.subjects.front().digests) names_manifest |= digest.string() == manifest_digest;
    if (!names_manifest)
        reject("Signature for digest does not match: the Sigstore bundle's subject is not " + manifest_digest,
               RejectionKind::digest_mismatch);
}

std::string signer_description(const SignatureOutcome& record) {
    if (!record.certificate_matched_san.empty()) return "a certificate for " + record.certificate_matched_san;
    if (!record.certificate_sans.empty()) return "a certificate for " + record.certificate_sans.front();
    return "the trusted key " + record.key_fingerprint;
}

}  // namespace

SignatureOutcome check_sigstore_bundle(const SigstoreTrust& trust, const SigstoreSignedRequirement& requirement,
                                       const SigstoreBundleSignature& untrusted, std::size_t index, EvaluationInput& input) {
    SignatureOutcome record;
    record.index = index;
    record.format = "sigstore-bundle";
    record.found_in = untrusted.found_in;
    try {
        std::optional<signature::CertificateSummary> identity_summary;
        auto options = bundle_options(trust, identity_summary);
        auto manifest_digest = util::Digest::of(util::DigestAlgorithm::sha256, input.manifest().bytes);
        auto verified = sigstore::verify_bundle(untrusted.untrusted_bundle_json,
                                                sigstore::ArtifactExpectation::of_digest(manifest_digest), options);
        record_verified_bundle(verified, identity_summary, record);
        check_image_statement(verified, input.manifest_digest());
        if (requirement.signed_identity.kind != SignedIdentity::Kind::match_digest_only) {
            record.hint = "to accept Sigstore bundles for this scope, set \"signedIdentity\": {\"type\": \"matchDigestOnly\"} "
                          "(an imgtrust extension that skopeo and podman refuse)";
            reject("a Sigstore bundle signed by " + signer_description(record) + " verified for this manifest digest, but a "
                   "bundle names no image, so signedIdentity " + identity_kind_name(requirement.signed_identity.kind) +
                   " cannot accept it",
                   RejectionKind::identity_mismatch);
        }
        record.accepted = true;
    } catch (const signature::SignatureRejected& rejected) {
        record.reason = rejected.what();
        record.rejection_kind = rejected.kind();
    }
    return record;
}

}  // namespace imgtrust::policy
