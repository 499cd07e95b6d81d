// insecureAcceptAnything and reject: the two requirements that never look at signatures.
#include "policy/evaluation_input.hpp"

namespace imgtrust::policy {

// "insecureAcceptAnything: accept any image without checking signatures"
RequirementOutcome evaluate_insecure_accept_anything(const InsecureAcceptAnythingRequirement&, EvaluationInput& input) {
    RequirementOutcome outcome;
    outcome.state = RequirementOutcome::State::accepted;
    input.debug("insecureAcceptAnything: accepted without checking signatures");
    return outcome;
}

// "reject: reject any image"
RequirementOutcome evaluate_reject(const RejectRequirement&, EvaluationInput& input) {
    RequirementOutcome outcome;
    outcome.state = RequirementOutcome::State::rejected;
    outcome.reason = "Running image " + input.image().string_with_transport() + " is rejected by policy.";
    return outcome;
}

}  // namespace imgtrust::policy
