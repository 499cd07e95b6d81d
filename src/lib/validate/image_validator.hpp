// Checks one list entry: the index's own signature and each platform selected
// by --arch/--os (each by its own digest, with the user's reference as the
// identity), or the single manifest. Thread-safe: one ImageValidator (one
// immutable PolicyContext, one Client's SystemContext and so one RegistryPool)
// serves every job of a run.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "imgtrust/validate.hpp"
#include "imgtrust/verify.hpp"
#include "validate/check_result.hpp"
#include "validate/image_list.hpp"
#include "validate/rewrite.hpp"

namespace imgtrust::validate {

struct ValidatorSettings {
    PlatformFilter filter;
    bool validate_manifest_index = true;
    ReferenceOverrides overrides;
    std::chrono::milliseconds timeout{std::chrono::minutes(10)};  // per image
};

class ImageValidator {
public:
    // `evaluation.system` must already hold the shared pool.
    ImageValidator(Policy policy, ValidatorSettings settings, EvaluationOptions evaluation);
    ~ImageValidator();

    // Never throws for problems of this image (they become statuses); throws
    // ConfigError / PolicyFormatError for problems of the whole run. May be
    // called from many threads at once.
    ImageReport check(const ListEntry& entry, std::size_t sequence) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Whether an index instance is selected by the filter.
bool platform_selected(const PlatformFilter& filter, const ManifestInstance& instance);

}  // namespace imgtrust::validate
