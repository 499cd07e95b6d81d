// PolicyContext: the path from an image to a verdict.
//   scope lookup → read the manifest actually used → AND over the scope's
//   requirements, in order, stopping at the first that denies (as c/image does).
//   A manifest list is evaluated through one chosen instance, or each instance
//   (evaluate_all_instances), as skopeo copy / copy --all do; the index itself
//   only under MultiArchRule::index_or_platform (multi_arch_rule.cpp).
// The context is immutable once built: the policy, the options, one Client
// (registry pool) and the TrustStore loaded for every requirement; evaluation
// state lives in each call (EvaluationInput), so evaluate is const and may run
// in many threads at once.
#include <sys/utsname.h>

#include <algorithm>

#include "image/instance_budget.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"
#include "policy/evaluation_input.hpp"
#include "policy/multi_arch_rule.hpp"
#include "policy/scope_lookup.hpp"
#include "policy/trust_store.hpp"
#include "signature/openpgp_verifier.hpp"

namespace imgtrust {

struct IMGTRUST_LOCAL PolicyContext::State {
    Policy policy;  // does not move again: `trust` finds requirements by address
    EvaluationOptions options;
    Client client;
    policy::TrustStore trust;

    State(Policy policy_value, EvaluationOptions options_value)
        : policy(std::move(policy_value)), options(std::move(options_value)), client(options.system),
          trust(policy, options.openpgp_engine) {
        options.system = client.system_context();  // the same settings, with the client's pool
    }
};

PolicyContext::PolicyContext(Policy policy, EvaluationOptions options) {
    signature::check_openpgp_engine(options.openpgp_engine);
    const bool fail_on_trust_problems = options.fail_on_trust_problems;
    auto state = std::make_unique<State>(std::move(policy), std::move(options));
    if (fail_on_trust_problems) state->trust.throw_first_problem();
    state_ = std::move(state);
}
PolicyContext::~PolicyContext() = default;

const Policy& PolicyContext::policy() const { return state_->policy; }
const EvaluationOptions& PolicyContext::options() const { return state_->options; }
std::vector<PolicyDiagnostic> PolicyContext::trust_problems() const { return state_->trust.problems(); }

namespace {

RequirementOutcome evaluate_one(const Requirement& requirement, const policy::TrustStore& trust, policy::EvaluationInput& input) {
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

std::string platform_name(const ManifestInstance& instance) {
    return instance.os + "/" + instance.architecture + (instance.variant.empty() ? "" : "/" + instance.variant);
}

bool verifies_signatures(const Requirement& requirement) {
    return std::holds_alternative<SignedByRequirement>(requirement.value) ||
           std::holds_alternative<SigstoreSignedRequirement>(requirement.value);
}

// One instance of a list, evaluated by its own digest; the identity stays `image`.
Verdict evaluate_instance(const PolicyContext& context, const ImageReference& image, ImageSource& source,
                          const ManifestInstance& instance, const std::string& list_digest,
                          const std::function<void(const std::string&)>& log) {
    if (log) log("Evaluating instance " + instance.digest + " (" + platform_name(instance) + ") of " + list_digest);
    Verdict verdict = context.evaluate(image, source, instance.digest);
    verdict.platform = platform_name(instance);
    verdict.list_digest = list_digest;
    return verdict;
}

}  // namespace

Verdict PolicyContext::evaluate(const ImageReference& image) const { return evaluate(image, state_->client); }

Verdict PolicyContext::evaluate(const ImageReference& image, const Client& client) const {
    auto source = image.open(client.system_context());
    ManifestBlob top = source->manifest();
    const MultiArchRule rule = state_->options.multi_arch_rule;
    if (!is_manifest_list(top)) {
        Verdict verdict = evaluate(image, *source, {});
        policy::record_single_manifest_rule(rule, verdict);
        return verdict;
    }
    const std::vector<ManifestInstance> instances = manifest_list_instances(top);
    const ManifestInstance& chosen = choose_instance(instances, state_->options);
    Verdict verdict = evaluate_instance(*this, image, *source, chosen, sha256_digest(top.bytes), state_->options.debug_log);
    policy::IndexVerdict index([&] { return evaluate(image, *source, {}); });
    policy::apply_multi_arch_rule(rule, verdict, index, state_->options.debug_log);
    return verdict;
}

std::vector<Verdict> PolicyContext::evaluate_all_instances(const ImageReference& image) const {
    return evaluate_all_instances(image, state_->client);
}

std::vector<Verdict> PolicyContext::evaluate_all_instances(const ImageReference& image, const Client& client) const {
    auto source = image.open(client.system_context());
    return evaluate_all_instances(image, *source);
}

std::vector<Verdict> PolicyContext::evaluate_all_instances(const ImageReference& image, ImageSource& source) const {
    ManifestBlob top = source.manifest();
    const MultiArchRule rule = state_->options.multi_arch_rule;
    if (!is_manifest_list(top)) {
        Verdict verdict = evaluate(image, source, {});
        policy::record_single_manifest_rule(rule, verdict);
        return {verdict};
    }
    const std::string list_digest = sha256_digest(top.bytes);
    const std::vector<ManifestInstance> instances = manifest_list_instances(top);  // at most max_manifest_list_instances
    if (instances.empty()) throw NotFoundError("manifest list " + list_digest + " has no instances");
    image::InstanceBudgetSource bounded(source, list_digest);  // max_instance_manifest_bytes for all of them
    policy::IndexVerdict index([&] { return evaluate(image, source, {}); });  // at most once, for every instance
    std::vector<Verdict> verdicts;
    for (const auto& instance : instances) {
        verdicts.push_back(evaluate_instance(*this, image, bounded, instance, list_digest, state_->options.debug_log));
        policy::apply_multi_arch_rule(rule, verdicts.back(), index, state_->options.debug_log);
    }
    return verdicts;
}

Verdict PolicyContext::evaluate(const ImageReference& image, ImageSource& source, const std::string& instance_digest) const {
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
    const bool verified = std::any_of(requirements.begin(), requirements.end(), verifies_signatures);
    if (verdict.allowed && state_->options.require_signed && !verified) {
        // Every requirement allowed the image, and none of them verified a signature.
        verdict.allowed = false;
        verdict.reason = "No signature verification policy found for image " + image.transport_name() + ":" +
                         image.policy_identity();
        if (log) log(verdict.reason);
    }
    return verdict;
}

}  // namespace imgtrust
