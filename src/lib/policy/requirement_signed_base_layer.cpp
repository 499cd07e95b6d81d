// signedBaseLayer: containers/image parses it (baseLayerIdentity) but has no
// verifier for it, so evaluating it always denies the image. imgtrust gives the
// same verdict: a policy that relies on it fails closed, as in skopeo.
#include "policy/evaluation_input.hpp"

namespace imgtrust::policy {

RequirementOutcome evaluate_signed_base_layer(const SignedBaseLayerRequirement&, EvaluationInput& input) {
    RequirementOutcome outcome;
    outcome.state = RequirementOutcome::State::rejected;
    outcome.rejection_kind = RejectionKind::unsupported;
    outcome.reason = "signedBaseLayer rejects every image: containers/image has no verifier for it";
    input.debug("signedBaseLayer: always denied, as in containers/image");
    return outcome;
}

}  // namespace imgtrust::policy
