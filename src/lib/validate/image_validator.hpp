// Checks one list entry: the index's own signature and each platform selected
// by --arch/--os (each by its own digest, with the user's reference as the
// identity), or the single manifest. Not thread-safe: the public Validator
// (validator.cpp) lends one to each concurrent check; all share the Client's
// SystemContext (and so one RegistryPool).
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
    // ConfigError / PolicyFormatError for problems of the whole run.
    ImageReport check(const ListEntry& entry, std::size_t sequence);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Whether an index instance is selected by the filter.
bool platform_selected(const PlatformFilter& filter, const ManifestInstance& instance);

}  // namespace imgtrust::validate
