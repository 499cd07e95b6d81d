// reject: "Reject any image" (and any signature); c/image's message is kept.
#include "policy/evaluation_input.hpp"

namespace imgtrust::policy {

RequirementOutcome evaluate_reject(const RejectRequirement&, EvaluationInput& input) {
    RequirementOutcome outcome;
    outcome.state = RequirementOutcome::State::rejected;
    outcome.rejection_kind = RejectionKind::policy_reject;
    outcome.reason = "Running image " + input.image().string_with_transport() + " is rejected by policy.";
    return outcome;
}

}  // namespace imgtrust::policy
