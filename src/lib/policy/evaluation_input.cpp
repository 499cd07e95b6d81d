#include "policy/evaluation_input.hpp"

#include "util/digest.hpp"

namespace imgtrust::policy {

EvaluationInput::EvaluationInput(const ImageReference& image, ImageSource& source, std::string instance_digest,
                                 ManifestBlob manifest, std::function<void(const std::string&)> debug_log)
    : image_(image),
      source_(source),
      instance_digest_(std::move(instance_digest)),
      manifest_(std::move(manifest)),
      manifest_digest_(sha256_digest(manifest_.bytes)),
      docker_reference_(image.docker_reference()),
      debug_log_(std::move(debug_log)) {}

const std::vector<UntrustedSignature>& EvaluationInput::untrusted_signatures() {
    if (!signatures_) {
        signatures_ = source_.signatures(instance_digest_);
        debug("Read " + std::to_string(signatures_->size()) + " signature(s) for " + manifest_digest_);
    }
    return *signatures_;
}

void EvaluationInput::debug(const std::string& line) const {
    if (debug_log_) debug_log_(line);
}

bool EvaluationInput::manifest_matches_digest(const std::string& untrusted_digest) const {
    const std::optional<util::Digest> digest = util::Digest::parse(untrusted_digest);
    return digest && digest->matches(manifest_.bytes);
}

void summarize_signature_outcomes(RequirementOutcome& outcome, const std::string& no_signature_detail) {
    std::vector<std::string> reasons;
    for (const auto& sig : outcome.signatures) {
        if (sig.accepted) {
            outcome.state = RequirementOutcome::State::accepted;  // "One accepted signature is enough."
            outcome.reason.clear();
            outcome.rejection_kind = RejectionKind::none;
            return;
        }
        reasons.push_back(sig.reason);
    }
    outcome.state = RequirementOutcome::State::rejected;
    outcome.rejection_kind = reasons.empty() ? RejectionKind::no_signatures : RejectionKind::signatures_rejected;
    if (reasons.empty()) {
        outcome.reason = "A signature was required, but no signature exists" + no_signature_detail;
    } else if (reasons.size() == 1) {
        outcome.reason = reasons.front();
    } else {
        std::string joined;
        for (const auto& r : reasons) joined += (joined.empty() ? "" : "; ") + r;
        outcome.reason = "None of the signatures were accepted, reasons: " + joined;
    }
}

}  // namespace imgtrust::policy
