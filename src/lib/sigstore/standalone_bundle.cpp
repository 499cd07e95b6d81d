// The public BundleVerifier (imgtrust/bundle.hpp): trust material loaded once,
// then sigstore::verify_bundle per bundle, its rejection turned into a result.
#include "imgtrust/bundle.hpp"

#include <optional>

#include "signature/certificate.hpp"
#include "signature/certificate_identity.hpp"
#include "signature/rejection.hpp"
#include "sigstore/artifact.hpp"
#include "sigstore/bundle_verifier.hpp"
#include "sigstore/public_good_root.hpp"
#include "sigstore/trusted_root.hpp"
#include "util/digest.hpp"
#include "util/text.hpp"

namespace imgtrust {

BundleArtifact::BundleArtifact(std::shared_ptr<const sigstore::ArtifactExpectation> expectation)
    : expectation_(std::move(expectation)) {}

BundleArtifact BundleArtifact::of_bytes(std::string artifact_bytes) {
    return BundleArtifact(std::make_shared<const sigstore::ArtifactExpectation>(sigstore::ArtifactExpectation::of_bytes(std::move(artifact_bytes))));
}

std::optional<BundleArtifact> BundleArtifact::of_sha256_digest(std::string_view text) {
    if (text.substr(0, 7) != "sha256:") return std::nullopt;
    auto digest = util::Digest::parse(util::ascii_lowercase(text));
    if (!digest) return std::nullopt;
    return BundleArtifact(std::make_shared<const sigstore::ArtifactExpectation>(sigstore::ArtifactExpectation::of_digest(*digest)));
}

struct IMGTRUST_LOCAL BundleVerifier::State {
    std::optional<sigstore::TrustedRoot> own_root;  // unset: the built-in public-good root
    std::optional<signature::IdentityRequirement> identity;
    sigstore::BundleVerificationOptions options;
};

BundleVerifier::BundleVerifier() : state_(std::make_unique<State>()) {
    state_->options.trusted_root = &sigstore::public_good_trusted_root();
}

BundleVerifier::BundleVerifier(std::string_view trusted_root_json, const std::string& source) : state_(std::make_unique<State>()) {
    state_->own_root = sigstore::parse_trusted_root(trusted_root_json, source);
    state_->options.trusted_root = &*state_->own_root;
}

BundleVerifier::~BundleVerifier() = default;
BundleVerifier::BundleVerifier(BundleVerifier&&) noexcept = default;
BundleVerifier& BundleVerifier::operator=(BundleVerifier&&) noexcept = default;

void BundleVerifier::trust_public_keys(std::string_view pem, const std::string& source) {
    state_->options.trusted_keys = signature::load_public_keys_pem(pem, source);
    state_->options.observer_timestamp_threshold = 0;  // a key does not expire: no signing time is needed
}

void BundleVerifier::require_certificate_identity(const std::string& subject, const std::string& oidc_issuer) {
    signature::IdentityRequirementSpec spec;
    spec.subject = subject;
    spec.oidc_issuer = oidc_issuer;
    state_->identity.emplace(spec);
    const signature::IdentityRequirement* identity = &*state_->identity;  // owned by the heap State: stable across moves
    state_->options.check_identity = [identity](const signature::Certificate& leaf) { signature::match_certificate_identity(leaf, *identity); };
}

namespace {

BundleVerification describe_verified(const sigstore::VerifiedBundle& bundle) {
    BundleVerification result;
    result.verified = true;
    result.dsse_envelope = bundle.content_kind == sigstore::ContentKind::dsse_envelope;
    result.payload_type = bundle.payload_type;
    result.predicate_type = bundle.predicate_type;
    if (bundle.certificate) {
        result.has_certificate = true;
        result.certificate_issuer = bundle.certificate->issuer;
        result.certificate_sans = bundle.certificate->subject_alternative_names;
        result.certificate_oidc_issuer = bundle.certificate->oidc_issuer;
    }
    result.key_algorithm = bundle.signing_key.algorithm();
    result.key_fingerprint = bundle.signing_key.fingerprint();
    for (const auto& time : bundle.time_sources)
        result.signing_times.push_back({time.kind_name(), static_cast<std::int64_t>(time.time), time.authority});
    result.verified_tlog_entries = bundle.verified_tlog_entries;
    return result;
}

}  // namespace

BundleVerification BundleVerifier::verify(std::string_view untrusted_bundle_json, const BundleArtifact& artifact) const {
    try {
        return describe_verified(sigstore::verify_bundle(untrusted_bundle_json, *artifact.expectation_, state_->options));
    } catch (const signature::SignatureRejected& e) {
        BundleVerification rejected;
        rejected.rejection_reason = e.what();
        rejected.rejection_kind = e.kind();
        return rejected;
    }
}

std::string format_rfc3339_utc(std::int64_t seconds_since_epoch) {
    return signature::rfc3339_utc(static_cast<std::time_t>(seconds_since_epoch));
}

}  // namespace imgtrust
