#include "validate/check_result.hpp"

namespace imgtrust::validate {

const char* status_name(CheckStatus status) {
    switch (status) {
        case CheckStatus::verified: return "verified";
        case CheckStatus::unsigned_image: return "unsigned";
        case CheckStatus::invalid_signature: return "invalid-signature";
        case CheckStatus::identity_mismatch: return "identity-mismatch";
        case CheckStatus::untrusted_key: return "untrusted-key";
        case CheckStatus::rejected: return "rejected";
        case CheckStatus::fetch_error: return "fetch-error";
        case CheckStatus::skipped_by_filter: return "skipped-by-filter";
        case CheckStatus::invalid_reference: return "invalid-reference";
        case CheckStatus::not_checked: return "not-checked";
    }
    return "unknown";
}

std::optional<CheckStatus> status_named(std::string_view name) {
    for (auto status : {CheckStatus::verified, CheckStatus::unsigned_image, CheckStatus::invalid_signature,
                        CheckStatus::identity_mismatch, CheckStatus::untrusted_key, CheckStatus::rejected,
                        CheckStatus::fetch_error, CheckStatus::skipped_by_filter, CheckStatus::invalid_reference,
                        CheckStatus::not_checked})  // every CheckStatus: keep in sync with the enum
        if (name == status_name(status)) return status;
    return std::nullopt;
}

bool status_fails(CheckStatus status) {
    return status != CheckStatus::verified && status != CheckStatus::skipped_by_filter;
}

const char* kind_name(ManifestCheck::Kind kind) {
    switch (kind) {
        case ManifestCheck::Kind::image: return "image";
        case ManifestCheck::Kind::index: return "index";
        case ManifestCheck::Kind::platform: return "platform";
    }
    return "image";
}

std::optional<ManifestCheck::Kind> kind_named(std::string_view name) {
    for (auto kind : {ManifestCheck::Kind::image, ManifestCheck::Kind::index, ManifestCheck::Kind::platform})
        if (name == kind_name(kind)) return kind;
    return std::nullopt;
}

void finish_image_report(ImageReport& report) {
    if (!report.error.empty() && report.manifests.empty()) {
        report.passed = false;
        if (report.status == CheckStatus::verified) report.status = CheckStatus::fetch_error;
        return;
    }
    bool any_verified = false;
    for (const auto& manifest : report.manifests) {
        if (status_fails(manifest.status)) {
            report.passed = false;
            report.status = manifest.status;
            return;
        }
        any_verified = any_verified || manifest.status == CheckStatus::verified;
    }
    // As hangar: an image whose platforms were all filtered out is skipped, not failed.
    report.passed = true;
    report.status = any_verified ? CheckStatus::verified : CheckStatus::skipped_by_filter;
    if (!any_verified && report.error.empty()) report.error = "no manifest was selected by --arch/--os, so nothing was checked";
}

ImageReport not_checked_report(const ListEntry& entry, std::size_t sequence, const std::string& why) {
    ImageReport report;
    report.sequence = sequence;
    report.entry_index = entry.index;
    report.line_number = entry.line_number;
    report.input_line = entry.original_line;
    report.passed = false;
    report.status = CheckStatus::not_checked;
    report.error = why;
    return report;
}

std::string signing_time_text(const SigningTime& time) {
    std::string text = time.source + " " + std::to_string(time.time);
    if (!time.authority.empty()) text += " " + time.authority;
    return text;
}

std::vector<SignerField> keyless_identity_fields(const AcceptedSigner& signer) {
    auto extension = [&](std::string_view name) {
        for (const auto& found : signer.certificate_extensions)
            if (found.name == name) return found.value;
        return std::string();
    };
    return {
        {"certificateMatchedSan", "certificate_matched_san", signer.certificate_matched_san},
        {"githubWorkflowTrigger", "github_workflow_trigger", extension("githubWorkflowTrigger")},
        {"githubWorkflowSha", "github_workflow_sha", extension("githubWorkflowSha")},
        {"githubWorkflowName", "github_workflow_name", extension("githubWorkflowName")},
        {"githubWorkflowRepository", "github_workflow_repository", extension("githubWorkflowRepository")},
        {"githubWorkflowRef", "github_workflow_ref", extension("githubWorkflowRef")},
        {"buildSignerURI", "build_signer_uri", extension("buildSignerURI")},
        {"runnerEnvironment", "runner_environment", extension("runnerEnvironment")},
        {"sourceRepositoryURI", "source_repository_uri", extension("sourceRepositoryURI")},
    };
}

}  // namespace imgtrust::validate
