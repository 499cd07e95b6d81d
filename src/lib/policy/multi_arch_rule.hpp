// The multi-arch rule (verify --multi-arch-rule): whether the signatures of a
// manifest list's index can allow one of its platform instances.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "imgtrust/verify.hpp"

namespace imgtrust::policy {

// The index's own verdict, evaluated at most once per image and only when an
// instance needs it (every instance of verify --all shares it).
class IndexVerdict {
public:
    explicit IndexVerdict(std::function<Verdict()> evaluate_index) : evaluate_index_(std::move(evaluate_index)) {}
    const Verdict& get();

private:
    std::function<Verdict()> evaluate_index_;
    std::optional<Verdict> verdict_;
};

// A single-manifest image: the rule is recorded, the manifest's own verdict stands.
void record_single_manifest_rule(MultiArchRule rule, Verdict& verdict);

// An instance of a list, already evaluated by its own digest: records the rule
// and, under index_or_platform, lets an accepting index allow a rejected
// instance. Errors evaluating the index (FetchError, …) propagate.
void apply_multi_arch_rule(MultiArchRule rule, Verdict& instance_verdict, IndexVerdict& index,
                           const std::function<void(const std::string&)>& debug_log);

}  // namespace imgtrust::policy
