// The public signing API (include/imgtrust/sign.hpp) over src/lib/signing/
// (image_signer, oci_layout_signer, signing_key) and validate's batch runner,
// which it shares with run_validation: the same list format, overrides,
// bounded window, list-order results and stop handling.
#include <chrono>

#include "imgtrust/errors.hpp"
#include "imgtrust/sign.hpp"
#include "signing/image_signer.hpp"
#include "signing/oci_layout_signer.hpp"
#include "signing/signing_key.hpp"
#include "validate/batch_runner.hpp"
#include "validate/image_list.hpp"
#include "validate/image_validator.hpp"
#include "validate/rewrite.hpp"

namespace imgtrust::signing {
namespace {

SignerSettings signer_settings(const SignSettings& settings) {
    SignerSettings signer;
    signer.format = settings.format;
    signer.key = settings.key ? &settings.key->key() : nullptr;
    signer.gpg_fingerprint = settings.gpg_fingerprint;
    signer.gnupg_home = settings.gnupg_home;
    signer.select_instance = [filter = settings.platforms](const ManifestInstance& instance) {
        return validate::platform_selected(filter, instance);
    };
    return signer;
}

validate::ImageReport sign_entry(const Client& client, const validate::ReferenceOverrides& overrides,
                                 const SignerSettings& settings, const validate::ListEntry& entry, std::size_t sequence) {
    validate::ImageReport report;
    report.sequence = sequence;
    report.entry_index = entry.index;
    report.line_number = entry.line_number;
    report.input_line = entry.original_line;
    const auto started = std::chrono::steady_clock::now();
    try {
        const DockerReference ref = with_default_tag(validate::parse_list_reference(entry.reference_text, overrides));
        report.reference = "docker://" + ref.string();
        sign_docker_image(client.system_context(), ref, settings);
        report.passed = true;
        report.status = validate::CheckStatus::verified;
    } catch (const std::exception& error) {
        report.passed = false;
        report.status = validate::CheckStatus::fetch_error;
        report.error = error.what();
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace

PrivateKey::PrivateKey(std::unique_ptr<SigningKey> key) : key_(std::move(key)) {}
PrivateKey::~PrivateKey() = default;
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;

PrivateKey PrivateKey::load(std::string_view pem, const std::function<std::string()>& password, std::string_view what) {
    return PrivateKey(std::make_unique<SigningKey>(SigningKey::load(pem, password, what)));
}

const std::string& PrivateKey::algorithm() const { return key_->algorithm(); }
std::string PrivateKey::public_key_pem() const { return key_->public_key_pem(); }
const SigningKey& PrivateKey::key() const { return *key_; }

SystemContext signing_system_context(SystemContext access, std::chrono::milliseconds timeout) {
    access.timeout = timeout;
    if (access.timeout.count() > 0 && access.timeout < access.request_timeout) access.request_timeout = access.timeout;
    if (access.timeout.count() == 0) access.timeout = std::chrono::hours(24 * 365);  // 0: no limit
    return access;
}

std::vector<SignedManifest> sign_image(const Client& client, const DockerReference& ref, const SignSettings& settings) {
    return sign_docker_image(client.system_context(), ref, signer_settings(settings));
}

std::vector<SignedManifest> sign_oci_layout(const std::string& layout_dir, const std::string& ref_name,
                                            const DockerReference& identity, const SignSettings& settings) {
    if (settings.format != SignatureFormat::sigstore || !settings.key)
        throw ConfigError("oci: layouts take cosign signatures only (--key), not --bundle or --sign-by");
    const SignerSettings signer = signer_settings(settings);
    return sign_oci_layout(layout_dir, ref_name, identity, *signer.key, signer.select_instance);
}

validate::ReportSummary sign_list(const Client& client, std::istream& list, const SignSettings& settings, const SignRun& run) {
    validate::validate_overrides(run.overrides);
    const SignerSettings signer = signer_settings(settings);  // one SharedBlobLocations for the run
    validate::ImageListReader reader(list);
    validate::ReportSummary summary;
    validate::BatchCallbacks callbacks;
    callbacks.check = [&](std::size_t, const validate::ListEntry& entry, std::size_t sequence) {
        return sign_entry(client, run.overrides, signer, entry, sequence);
    };
    callbacks.not_checked = [&run](const validate::ListEntry& entry, std::size_t sequence) {
        return validate::not_checked_report(entry, sequence,
                                            run.not_checked_reason ? run.not_checked_reason() : "not signed: the run was cancelled");
    };
    callbacks.on_finished = run.on_finished;
    callbacks.on_in_order = [&](const validate::ImageReport& report) {
        summary.add(report);
        if (run.failed_list && !report.passed) *run.failed_list << report.input_line << "\n";
        if (run.on_in_order) run.on_in_order(report);
    };
    validate::BatchSettings batch;
    batch.jobs = run.jobs;
    batch.stop = run.stop ? run.stop : client.system_context().cancel.get();
    validate::run_batch(reader, batch, callbacks);
    return summary;
}

}  // namespace imgtrust::signing
