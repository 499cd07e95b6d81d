// imgtrust::validate::Validator (include/imgtrust/validate.hpp): the trust,
// the settings and the shared Client of a validation, and the thread-safe
// check of one list entry.
#include "imgtrust/errors.hpp"
#include "imgtrust/validate.hpp"
#include "validate/image_list.hpp"
#include "validate/image_validator.hpp"
#include "validate/rewrite.hpp"
#include "validate/validator_access.hpp"

#ifndef IMGTRUST_LOCAL  // imgtrust/export.hpp defines it (hidden visibility for pimpl State definitions)
#define IMGTRUST_LOCAL __attribute__((visibility("hidden")))
#endif

namespace imgtrust::validate {
namespace {

// A timeout of 0 means none: a deadline no check reaches.
std::chrono::milliseconds effective_timeout(std::chrono::milliseconds timeout) {
    return timeout.count() == 0 ? std::chrono::milliseconds(std::chrono::hours(24 * 365)) : timeout;
}

}  // namespace

SystemContext validation_system_context(SystemContext access, std::chrono::milliseconds timeout) {
    access.force_sigstore_attachments = true;  // hangar mode: cosign attachments are always read
    access.timeout = timeout;
    if (access.timeout.count() > 0 && access.timeout < access.request_timeout) access.request_timeout = access.timeout;
    access.timeout = effective_timeout(access.timeout);
    return access;
}

std::size_t count_list_entries(std::istream& list, std::optional<ShardSelection> shard) { return count_entries(list, shard); }

// One immutable PolicyContext (inside the one ImageValidator) and one Client
// serve every check, from any number of threads: trust is loaded once (one
// GNUPGHOME, one key cache), connections and tokens are shared.
struct IMGTRUST_LOCAL Validator::State {
    ValidationSettings settings;
    Policy policy;
    std::shared_ptr<const Client> client;
    std::unique_ptr<const ImageValidator> checker;

    State(ValidationSettings settings_value, Policy policy_value, std::shared_ptr<const Client> client_value)
        : settings(std::move(settings_value)), policy(std::move(policy_value)), client(std::move(client_value)) {
        if (!client) client = std::make_shared<const Client>(validation_system_context({}, settings.timeout));
        EvaluationOptions evaluation;
        evaluation.system = client->system_context();  // holds the client's pool: the context shares it
        evaluation.debug_log = evaluation.system.debug_log;
        evaluation.openpgp_engine = settings.openpgp_engine;
        const ValidatorSettings checker_settings{settings.platforms, settings.validate_manifest_index, settings.overrides,
                                                 effective_timeout(settings.timeout)};
        checker = std::make_unique<const ImageValidator>(policy, checker_settings, evaluation);
    }
};

Validator::Validator(ValidationSettings settings, std::shared_ptr<const Client> client)
    : Validator(settings, (validate_overrides(settings.overrides), build_validation_policy(settings.trust)),
                std::move(client)) {}

Validator::Validator(ValidationSettings settings, Policy policy, std::shared_ptr<const Client> client) {
    validate_overrides(settings.overrides);
    state_ = std::make_unique<State>(std::move(settings), std::move(policy), std::move(client));
}

Validator::~Validator() = default;

const Policy& Validator::policy() const { return state_->policy; }
const ValidationSettings& Validator::settings() const { return state_->settings; }
const Client& Validator::client() const { return *state_->client; }

ReportHeader Validator::report_header() const {
    const auto& s = state_->settings;
    return {state_->policy.source, s.platforms.architectures, s.platforms.oses, s.validate_manifest_index,
            s.overrides.registry, s.overrides.project, std::nullopt};
}

ImageReport Validator::check_line(const std::string& line, std::size_t line_number) const {
    ListEntry entry{line_number, line, trim_white_space(line), 0};
    if (!entry.original_line.empty() && entry.original_line.back() == '\r') entry.original_line.pop_back();
    if (is_ignored_line(entry.reference_text)) {
        ImageReport report;
        report.line_number = line_number;
        report.input_line = entry.original_line;
        report.status = CheckStatus::invalid_reference;
        report.error = "line " + std::to_string(line_number) + ": not an image reference (a blank or comment line)";
        return report;
    }
    return ValidatorAccess::check(*this, entry, 0);
}

ImageReport ValidatorAccess::check(const Validator& validator, const ListEntry& entry, std::size_t sequence) {
    return validator.state_->checker->check(entry, sequence);
}

}  // namespace imgtrust::validate
