// PolicyContext: the path from an image to a verdict.
//   scope lookup → read the manifest actually used → AND over the scope's
//   requirements, in order, stopping at the first that denies (as c/image does).
#include <sys/utsname.h>

#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"
#include "policy/evaluation_input.hpp"
#include "policy/scope_lookup.hpp"
#include "policy/trust_cache.hpp"

namespace imgtrust {

struct PolicyContext::State {
    Policy policy;
    EvaluationOptions options;
    policy::TrustCache trust;
};

PolicyContext::PolicyContext(Policy policy, EvaluationOptions options)
    : state_(std::make_unique<State>(State{std::move(policy), std::move(options), {}})) {}
PolicyContext::~PolicyContext() = default;

const Policy& PolicyContext::policy() const { return state_->policy; }

namespace {

RequirementOutcome evaluate_one(const Requirement& requirement, policy::TrustCache& trust, policy::EvaluationInput& input) {
    return std::visit(
        [&](const auto& value) -> RequirementOutcome {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, InsecureAcceptAnythingRequirement>)
                return policy::evaluate_insecure_accept_anything(value, input);
            else if constexpr (std::is_same_v<T, RejectRequirement>)
                return policy::evaluate_reject(value, input);
            else if constexpr (std::is_same_v<T, SignedByRequirement>)
                return policy::evaluate_signed_by(value, requirement, trust, input);
            else if constexpr (std::is_same_v<T, SigstoreSignedRequirement>)
                return policy::evaluate_sigstore_signed(value, requirement, trust, input);
            else
                return policy::evaluate_signed_base_layer(value, input);
        },
        requirement.value);
}

std::string host_architecture() {
    struct utsname name {};
    uname(&name);
    std::string machine = name.machine;
    if (machine == "x86_64") return "amd64";
    if (machine == "aarch64") return "arm64";
    if (machine.rfind("arm", 0) == 0) return "arm";
    if (machine == "i686" || machine == "i386") return "386";
    return machine;
}

// The instance skopeo would copy from a manifest list: --override-os/arch/variant,
// defaulting to the host platform.
const ManifestInstance& choose_instance(const std::vector<ManifestInstance>& instances, const EvaluationOptions& options) {
    const std::string os = options.override_os.empty() ? "linux" : options.override_os;
    const std::string arch = options.override_arch.empty() ? host_architecture() : options.override_arch;
    const ManifestInstance* fallback = nullptr;
    for (const auto& instance : instances) {
        if (instance.os != os || instance.architecture != arch) continue;
        if (options.override_variant.empty() || instance.variant == options.override_variant) return instance;
        if (!fallback) fallback = &instance;
    }
    if (fallback && options.override_variant.empty()) return *fallback;
    throw NotFoundError("no image found in manifest list for architecture " + arch + ", variant \"" +
                        options.override_variant + "\", OS " + os);
}

}  // namespace

Verdict PolicyContext::evaluate(const ImageReference& image) {
    auto source = image.open(state_->options.system);
    ManifestBlob top = source->manifest();
    if (!is_manifest_list(top)) return evaluate(image, *source, {});
    const std::vector<ManifestInstance> instances = manifest_list_instances(top);
    const ManifestInstance& instance = choose_instance(instances, state_->options);
    Verdict verdict = evaluate(image, *source, instance.digest);
    verdict.platform = instance.os + "/" + instance.architecture + (instance.variant.empty() ? "" : "/" + instance.variant);
    return verdict;
}

Verdict PolicyContext::evaluate(const ImageReference& image, ImageSource& source, const std::string& instance_digest) {
    const auto& log = state_->options.debug_log;
    auto scope = policy::find_scope(state_->policy, image);
    if (log) log("Using policy scope " + scope.description + " for " + image.string_with_transport());
    Verdict verdict;
    verdict.image = image.string_with_transport();
    verdict.policy_source = state_->policy.source;
    verdict.transport_scope = scope.description;

    policy::EvaluationInput input(image, source, instance_digest, source.manifest(instance_digest), log);
    verdict.manifest_digest = input.manifest_digest();
    const Requirements& requirements = *scope.requirements;
    if (requirements.empty()) throw PolicyFormatError(scope.description, "List of verification policy requirements must not be empty");

    bool denied = false;
    for (std::size_t i = 0; i < requirements.size(); ++i) {
        RequirementOutcome outcome;
        if (!denied) outcome = evaluate_one(requirements[i], state_->trust, input);
        outcome.index = i;
        outcome.type = requirement_type_name(requirements[i].value);
        outcome.location = requirements[i].location;
        if (log && !denied) log("Requirement " + std::to_string(i) + " (" + outcome.type + "): " +
                                (outcome.state == RequirementOutcome::State::accepted ? "allowed" : "denied: " + outcome.reason));
        denied = denied || outcome.state != RequirementOutcome::State::accepted;
        verdict.requirements.push_back(std::move(outcome));
    }
    verdict.allowed = !denied;
    return verdict;
}

}  // namespace imgtrust
