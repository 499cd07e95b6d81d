// signedBaseLayer: c/image parses it but never implemented it; evaluating it
// always denies ("signedBaseLayer not implemented yet!"). imgtrust gives the
// same verdict, so a policy that relies on it fails closed, as in skopeo.
#include "policy/evaluation_input.hpp"

namespace imgtrust::policy {

RequirementOutcome evaluate_signed_base_layer(const SignedBaseLayerRequirement&, EvaluationInput& input) {
    RequirementOutcome outcome;
    outcome.state = RequirementOutcome::State::rejected;
    outcome.reason = "signedBaseLayer not implemented yet!";
    input.debug("signedBaseLayer: always denied, as in containers/image");
    return outcome;
}

}  // namespace imgtrust::policy
