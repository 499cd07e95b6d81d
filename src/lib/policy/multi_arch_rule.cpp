// The two multi-arch rules users meet:
//  - platform (podman pull, skopeo copy; c/image's copy): "the policy is
//    evaluated on each single-platform manifest that would be used, never on
//    the index"; a signature on the index is copied but not evaluated.
//  - index-or-platform (skopeo >= 1.22.2 experimental-image-proxy, used by
//    bootc and rpm-ostree; skopeo PR #2847): the proxy runs the policy on the
//    top-level manifest and on the chosen instance, and "we only error if
//    *both* the toplevel and target verification failed. If either
//    succeeded, that's OK." When both fail, its error is the target's, so the
//    verdict here keeps the instance's requirements and reasons.
// Each evaluation is the whole policy on one manifest by its own digest (the
// identity is still the reference the user gave), so a signature on the index
// binds the index digest, which in turn names every instance digest.
#include "policy/multi_arch_rule.hpp"

namespace imgtrust {

const char* multi_arch_rule_name(MultiArchRule rule) {
    return rule == MultiArchRule::index_or_platform ? "index-or-platform" : "platform";
}

namespace policy {

const Verdict& IndexVerdict::get() {
    if (!verdict_) verdict_ = evaluate_index_();
    return *verdict_;
}

void record_single_manifest_rule(MultiArchRule rule, Verdict& verdict) {
    verdict.multi_arch_rule = multi_arch_rule_name(rule);
    verdict.satisfied_by = verdict.allowed ? "manifest" : "";
}

void apply_multi_arch_rule(MultiArchRule rule, Verdict& instance_verdict, IndexVerdict& index,
                           const std::function<void(const std::string&)>& debug_log) {
    instance_verdict.multi_arch_rule = multi_arch_rule_name(rule);
    instance_verdict.satisfied_by = instance_verdict.allowed ? "platform" : "";
    // The index is read only when it could change the verdict; an accepted
    // instance needs nothing more under either rule.
    if (rule != MultiArchRule::index_or_platform || instance_verdict.allowed) return;
    const Verdict& index_verdict = index.get();
    instance_verdict.index_evaluated = true;
    instance_verdict.index_allowed = index_verdict.allowed;
    instance_verdict.index_reason = index_verdict.reason;
    instance_verdict.index_requirements = index_verdict.requirements;
    if (!index_verdict.allowed) {
        if (debug_log)
            debug_log("index-or-platform: neither the instance " + instance_verdict.manifest_digest + " nor the index " +
                      instance_verdict.list_digest + " is allowed");
        return;
    }
    if (debug_log)
        debug_log("index-or-platform: the instance " + instance_verdict.manifest_digest + " is rejected, the index " +
                  instance_verdict.list_digest + " is allowed: accepted");
    instance_verdict.allowed = true;
    instance_verdict.satisfied_by = "index";
}

}  // namespace policy
}  // namespace imgtrust
