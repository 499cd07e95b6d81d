#include "cli/progress.hpp"

#include <cstdio>

namespace imgtrust::cli {
namespace {

std::string format_seconds(double seconds) {
    long total = static_cast<long>(seconds + 0.5);
    char text[32];
    if (total >= 3600) std::snprintf(text, sizeof text, "%ldh%02ldm", total / 3600, total / 60 % 60);
    else if (total >= 60) std::snprintf(text, sizeof text, "%ldm%02lds", total / 60, total % 60);
    else std::snprintf(text, sizeof text, "%lds", total);
    return text;
}

std::string manifest_label(const validate::ManifestCheck& check) {
    if (check.kind == validate::ManifestCheck::Kind::index) return "index " + check.digest;
    if (check.kind == validate::ManifestCheck::Kind::platform) return check.platform.text() + " " + check.digest;
    return check.digest;
}

}  // namespace

std::string failure_line(const validate::ImageReport& report) {
    std::string line = "FAIL line " + std::to_string(report.line_number) + " " +
                       (report.reference.empty() ? report.input_line : report.reference) + ": " +
                       validate::status_name(report.status);
    for (const auto& check : report.manifests) {
        if (!validate::status_fails(check.status)) continue;
        std::string label = manifest_label(check);
        if (!label.empty()) line += " (" + label + ")";
        if (!check.reasons.empty()) line += ": " + check.reasons.front();
        return line;
    }
    if (!report.error.empty()) line += ": " + report.error;
    return line;
}

ValidateProgress::ValidateProgress(std::ostream& err, std::size_t total, bool live) : err_(err), total_(total), live_(live) {
    if (live_) ticker_ = std::thread([this] { tick(); });
}

ValidateProgress::~ValidateProgress() {
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }
    stop_signal_.notify_all();
    if (ticker_.joinable()) ticker_.join();
}

void ValidateProgress::tick() {
    std::unique_lock lock(mutex_);
    while (!stop_signal_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopped_; })) draw_locked();
}

void ValidateProgress::clear_locked() {
    if (drawn_) err_ << "\r\033[K";
    drawn_ = false;
}

void ValidateProgress::draw_locked() {
    if (!live_ || stopped_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
    char text[160];
    std::string eta = total_ && rate > 0 && done_ <= total_ ? format_seconds(static_cast<double>(total_ - done_) / rate) : "?";
    std::snprintf(text, sizeof text, "%zu/%s images  %.1f images/s  %zu failed  ETA %s", done_,
                  total_ ? std::to_string(total_).c_str() : "?", rate, failed_, eta.c_str());
    err_ << "\r\033[K" << text << std::flush;
    drawn_ = true;
}

void ValidateProgress::image_finished(const validate::ImageReport& report) {
    std::lock_guard lock(mutex_);
    ++done_;
    if (!report.passed) {
        ++failed_;
        clear_locked();
        err_ << failure_line(report) << "\n";
    }
    draw_locked();
}

void ValidateProgress::print_line(const std::string& line) {
    std::lock_guard lock(mutex_);
    clear_locked();
    err_ << line << "\n";
    draw_locked();
}

void ValidateProgress::finish(const validate::ReportSummary& summary) {
    {
        std::lock_guard lock(mutex_);
        clear_locked();
        stopped_ = true;
    }
    stop_signal_.notify_all();
    if (ticker_.joinable()) ticker_.join();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::string by_status;
    for (const auto& [name, count] : summary.image_statuses)
        if (name != "verified") by_status += (by_status.empty() ? " (" : ", ") + name + ": " + std::to_string(count);
    if (!by_status.empty()) by_status += ")";
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.1f images/s", elapsed > 0 ? static_cast<double>(summary.images) / elapsed : 0.0);
    err_ << summary.images << " images checked: " << summary.passed << " passed, " << summary.failed << " failed" << by_status
         << " in " << format_seconds(elapsed) << " (" << rate << ")\n";
}

}  // namespace imgtrust::cli
