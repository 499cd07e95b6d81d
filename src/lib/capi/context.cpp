// imgtrust_context_options and imgtrust_context: a policy with its trust
// material and evaluation options, made once and shared by every thread.
#include <string>
#include <string_view>

#include "capi/handles.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"
#include "policy/policy_file.hpp"

namespace {

using imgtrust::capi::guarded;
using imgtrust::capi::invalid_argument;

std::string or_empty(const char* text) { return text ? text : ""; }

// The context over `policy`, with `options` (NULL: the defaults), into *out_context.
imgtrust_status make_context(imgtrust::Policy policy, const imgtrust_context_options* options,
                             imgtrust_context** out_context) {
    auto context = std::make_unique<imgtrust_context>();
    imgtrust::EvaluationOptions evaluation = options ? options->evaluation : imgtrust::EvaluationOptions{};
    context->policy = std::make_unique<const imgtrust::PolicyContext>(std::move(policy), std::move(evaluation));
    *out_context = context.release();
    return IMGTRUST_OK;
}

}  // namespace

extern "C" {

imgtrust_status imgtrust_context_options_new(imgtrust_context_options** out_options) {
    return imgtrust::capi::new_options(out_options, "imgtrust_context_options_new: out_options is NULL");
}

void imgtrust_context_options_free(imgtrust_context_options* options) { delete options; }

imgtrust_status imgtrust_context_options_set_openpgp_engine(imgtrust_context_options* options, const char* engine) {
    if (!options) return invalid_argument("imgtrust_context_options_set_openpgp_engine: options is NULL");
    return guarded([&] {
        options->evaluation.openpgp_engine = or_empty(engine);
        return IMGTRUST_OK;
    });
}

imgtrust_status imgtrust_context_options_set_require_signed(imgtrust_context_options* options, int require_signed) {
    if (!options) return invalid_argument("imgtrust_context_options_set_require_signed: options is NULL");
    imgtrust::capi::clear_last_error();
    options->evaluation.require_signed = require_signed != 0;
    return IMGTRUST_OK;
}

imgtrust_status imgtrust_context_options_set_fail_on_trust_problems(imgtrust_context_options* options, int fail) {
    if (!options) return invalid_argument("imgtrust_context_options_set_fail_on_trust_problems: options is NULL");
    imgtrust::capi::clear_last_error();
    options->evaluation.fail_on_trust_problems = fail != 0;
    return IMGTRUST_OK;
}

imgtrust_status imgtrust_context_options_set_multi_arch_rule(imgtrust_context_options* options,
                                                            imgtrust_multi_arch_rule rule) {
    if (!options) return invalid_argument("imgtrust_context_options_set_multi_arch_rule: options is NULL");
    if (rule != IMGTRUST_MULTI_ARCH_PLATFORM && rule != IMGTRUST_MULTI_ARCH_INDEX_OR_PLATFORM)
        return invalid_argument("imgtrust_context_options_set_multi_arch_rule: unknown rule");
    imgtrust::capi::clear_last_error();
    options->evaluation.multi_arch_rule = rule == IMGTRUST_MULTI_ARCH_INDEX_OR_PLATFORM
                                              ? imgtrust::MultiArchRule::index_or_platform
                                              : imgtrust::MultiArchRule::platform;
    return IMGTRUST_OK;
}

imgtrust_status imgtrust_context_options_set_platform(imgtrust_context_options* options, const char* os,
                                                     const char* architecture, const char* variant) {
    if (!options) return invalid_argument("imgtrust_context_options_set_platform: options is NULL");
    return guarded([&] {
        options->evaluation.override_os = or_empty(os);
        options->evaluation.override_arch = or_empty(architecture);
        options->evaluation.override_variant = or_empty(variant);
        return IMGTRUST_OK;
    });
}

imgtrust_status imgtrust_context_new_from_file(const char* policy_path, const imgtrust_context_options* options,
                                               imgtrust_context** out_context) {
    if (!out_context) return invalid_argument("imgtrust_context_new_from_file: out_context is NULL");
    *out_context = nullptr;
    if (!policy_path) return invalid_argument("imgtrust_context_new_from_file: policy_path is NULL");
    return guarded([&] { return make_context(imgtrust::load_policy_file(policy_path), options, out_context); });
}

imgtrust_status imgtrust_context_new_from_json(const char* policy_json, size_t policy_json_len,
                                               const imgtrust_context_options* options, imgtrust_context** out_context) {
    if (!out_context) return invalid_argument("imgtrust_context_new_from_json: out_context is NULL");
    *out_context = nullptr;
    if (!policy_json && policy_json_len > 0) return invalid_argument("imgtrust_context_new_from_json: policy_json is NULL");
    return guarded([&] {
        if (policy_json_len > imgtrust::policy::max_policy_file_bytes)
            throw imgtrust::ConfigError("policy JSON of " + std::to_string(policy_json_len) + " bytes: more than the " +
                                        std::to_string(imgtrust::policy::max_policy_file_bytes) + " a policy file may have");
        const std::string_view json(policy_json ? policy_json : "", policy_json_len);
        return make_context(imgtrust::parse_policy(json, "(policy JSON given to imgtrust_context_new_from_json)"), options,
                            out_context);
    });
}

void imgtrust_context_free(imgtrust_context* context) { delete context; }

}  // extern "C"
