#include "validate/image_validator.hpp"

#include "image/instance_budget.hpp"
#include "imgtrust/errors.hpp"
#include "validate/status.hpp"

namespace imgtrust::validate {
namespace {

using Clock = std::chrono::steady_clock;

struct ArchitectureChoice {
    std::string architecture;
    std::string variant;  // empty: any variant
};

ArchitectureChoice split_architecture(const std::string& text) {
    auto slash = text.find('/');
    if (slash == std::string::npos) return {text, {}};
    return {text.substr(0, slash), text.substr(slash + 1)};
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
    for (const auto& v : values)
        if (v == value) return true;
    return false;
}

Platform platform_of(const ManifestInstance& instance) { return {instance.os, instance.architecture, instance.variant}; }

std::string seconds_text(std::chrono::milliseconds duration) {
    return std::to_string(duration.count() / 1000) + "." + std::to_string(duration.count() % 1000 / 100) + "s";
}

}  // namespace

bool platform_selected(const PlatformFilter& filter, const ManifestInstance& instance) {
    if (!contains(filter.oses, instance.os)) return false;
    for (const auto& text : filter.architectures) {
        auto choice = split_architecture(text);
        if (choice.architecture == instance.architecture && (choice.variant.empty() || choice.variant == instance.variant))
            return true;
    }
    return false;
}

struct ImageValidator::State {
    ValidatorSettings settings;
    SystemContext system;  // shared by every job through its pool
    const PolicyContext policy;  // immutable: evaluate is const and thread-safe

    State(Policy policy_value, ValidatorSettings settings_value, const EvaluationOptions& evaluation)
        : settings(std::move(settings_value)), system(evaluation.system), policy(std::move(policy_value), evaluation) {}

    ManifestCheck evaluate(const ImageReference& image, ImageSource& source, const std::string& instance_digest,
                           Clock::time_point deadline) const;
    void check_index(const ImageReference& image, ImageSource& source, const ManifestBlob& index, ImageReport& report,
                     Clock::time_point deadline) const;
    void add_missing_platforms(const std::vector<ManifestInstance>& instances, ImageReport& report) const;
};

ImageValidator::ImageValidator(Policy policy, ValidatorSettings settings, EvaluationOptions evaluation)
    : state_(std::make_unique<State>(std::move(policy), std::move(settings), evaluation)) {}
ImageValidator::~ImageValidator() = default;

ManifestCheck ImageValidator::State::evaluate(const ImageReference& image, ImageSource& source,
                                              const std::string& instance_digest, Clock::time_point deadline) const {
    ManifestCheck check;
    check.digest = instance_digest;
    if (Clock::now() > deadline) {
        check.reasons.push_back("the per-image --timeout of " + seconds_text(settings.timeout) + " passed before this manifest was checked");
        return check;  // fetch-error
    }
    try {
        Verdict verdict = policy.evaluate(image, source, instance_digest);
        auto derived = derive_status(verdict);
        check.digest = verdict.manifest_digest;
        check.status = derived.status;
        check.signer = std::move(derived.signer);
        check.reasons = std::move(derived.reasons);
    } catch (const FetchError& e) {
        check.status = CheckStatus::fetch_error;
        check.reasons.push_back(e.what());
    }
    return check;
}

void ImageValidator::State::add_missing_platforms(const std::vector<ManifestInstance>& instances, ImageReport& report) const {
    for (const auto& os : settings.filter.oses)
        for (const auto& text : settings.filter.architectures) {
            auto choice = split_architecture(text);
            bool present = false;
            for (const auto& instance : instances)
                present = present || (instance.os == os && platform_selected(PlatformFilter{{text}, {os}}, instance));
            if (present) continue;
            ManifestCheck missing;
            missing.kind = ManifestCheck::Kind::platform;
            missing.has_platform = true;
            missing.platform = {os, choice.architecture, choice.variant};
            missing.status = CheckStatus::skipped_by_filter;
            missing.reasons.push_back("selected platform " + missing.platform.text() + " is not in the index");
            report.manifests.push_back(std::move(missing));
        }
}

void ImageValidator::State::check_index(const ImageReference& image, ImageSource& source, const ManifestBlob& index,
                                        ImageReport& report, Clock::time_point deadline) const {
    if (settings.validate_manifest_index) {
        ManifestCheck check = evaluate(image, source, {}, deadline);
        check.kind = ManifestCheck::Kind::index;
        check.media_type = index.media_type;
        if (check.digest.empty()) check.digest = sha256_digest(index.bytes);
        report.manifests.push_back(std::move(check));
    }
    const auto instances = manifest_list_instances(index);  // at most max_manifest_list_instances
    image::InstanceBudgetSource bounded(source, sha256_digest(index.bytes));  // max_instance_manifest_bytes in all
    for (const auto& instance : instances) {
        ManifestCheck check;
        if (platform_selected(settings.filter, instance)) {
            check = evaluate(image, bounded, instance.digest, deadline);
        } else {
            check.digest = instance.digest;
            check.status = CheckStatus::skipped_by_filter;
            check.reasons.push_back("platform " + platform_of(instance).text() + " is not selected by --arch/--os");
        }
        check.kind = ManifestCheck::Kind::platform;
        check.media_type = instance.media_type;
        check.has_platform = true;
        check.platform = platform_of(instance);
        report.manifests.push_back(std::move(check));
    }
    add_missing_platforms(instances, report);
}

ImageReport ImageValidator::check(const ListEntry& entry, std::size_t sequence) const {
    const auto started = Clock::now();
    ImageReport report;
    report.sequence = sequence;
    report.entry_index = entry.index;
    report.line_number = entry.line_number;
    report.input_line = entry.original_line;
    std::unique_ptr<ImageReference> image;
    try {
        DockerReference reference = parse_list_reference(entry.reference_text, state_->settings.overrides);
        report.reference = "docker://" + reference.string();
        image = parse_image_reference(report.reference);
    } catch (const InvalidReferenceError& e) {
        report.status = CheckStatus::invalid_reference;
        report.error = "line " + std::to_string(entry.line_number) + ": invalid image reference \"" +
                       entry.reference_text + "\": " + e.what();
        return report;
    }
    const auto deadline = started + state_->settings.timeout;
    try {
        auto source = image->open(state_->system);
        ManifestBlob top = source->manifest();
        if (is_manifest_list(top)) {
            state_->check_index(*image, *source, top, report, deadline);
        } else {
            ManifestCheck check = state_->evaluate(*image, *source, {}, deadline);
            check.media_type = top.media_type;
            if (check.digest.empty()) check.digest = sha256_digest(top.bytes);
            report.manifests.push_back(std::move(check));
        }
    } catch (const FetchError& e) {
        report.error = e.what();
        ManifestCheck unreadable;
        unreadable.status = CheckStatus::fetch_error;
        unreadable.reasons.push_back(e.what());
        report.manifests.push_back(std::move(unreadable));
    }
    finish_image_report(report);
    report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return report;
}

}  // namespace imgtrust::validate
