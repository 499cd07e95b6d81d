// What every requirement evaluator sees: the image being checked, the manifest
// bytes actually read, and its signatures, read once and shared by all
// requirements and keys of the scope.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/image.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust::policy {

class EvaluationInput {
public:
    EvaluationInput(const ImageReference& image, ImageSource& source, std::string instance_digest, ManifestBlob manifest,
                    std::function<void(const std::string&)> debug_log);

    const ImageReference& image() const { return image_; }
    const std::optional<DockerReference>& docker_reference() const { return docker_reference_; }
    const ManifestBlob& manifest() const { return manifest_; }
    const std::string& manifest_digest() const { return manifest_digest_; }
    // Read on first use (never for insecureAcceptAnything/reject), then cached. Throws FetchError.
    const std::vector<UntrustedSignature>& untrusted_signatures();
    void debug(const std::string& line) const;

    // c/image's manifest.MatchesDigest: does the digest (any supported
    // algorithm) name the manifest bytes that were read?
    bool manifest_matches_digest(const std::string& untrusted_digest) const;

private:
    const ImageReference& image_;
    ImageSource& source_;
    std::string instance_digest_;
    ManifestBlob manifest_;
    std::string manifest_digest_;
    std::optional<DockerReference> docker_reference_;
    std::optional<std::vector<UntrustedSignature>> signatures_;
    std::function<void(const std::string&)> debug_log_;
};

// Key material of every requirement, loaded when the PolicyContext is built (trust_store.hpp).
class TrustStore;

RequirementOutcome evaluate_insecure_accept_anything(const InsecureAcceptAnythingRequirement&, EvaluationInput&);
RequirementOutcome evaluate_reject(const RejectRequirement&, EvaluationInput&);
RequirementOutcome evaluate_signed_by(const SignedByRequirement&, const Requirement&, const TrustStore&, EvaluationInput&);
RequirementOutcome evaluate_sigstore_signed(const SigstoreSignedRequirement&, const Requirement&, const TrustStore&,
                                            EvaluationInput&);
RequirementOutcome evaluate_signed_base_layer(const SignedBaseLayerRequirement&, EvaluationInput&);

// The summary c/image gives for a signature requirement: accepted if any
// signature was; otherwise "A signature was required, but no signature exists"
// or the single reason or "None of the signatures were accepted, reasons: …".
void summarize_signature_outcomes(RequirementOutcome& outcome, const std::string& no_signature_detail);

}  // namespace imgtrust::policy
