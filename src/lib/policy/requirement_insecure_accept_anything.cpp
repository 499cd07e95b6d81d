// insecureAcceptAnything: "Accept any image"; it never looks at signatures
// and never counts as an accepted signature author.
#include "policy/evaluation_input.hpp"

namespace imgtrust::policy {

RequirementOutcome evaluate_insecure_accept_anything(const InsecureAcceptAnythingRequirement&, EvaluationInput& input) {
    RequirementOutcome outcome;
    outcome.state = RequirementOutcome::State::accepted;
    input.debug("insecureAcceptAnything: accepted without checking signatures");
    return outcome;
}

}  // namespace imgtrust::policy
