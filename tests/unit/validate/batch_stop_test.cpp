// run_batch after a stop request (SIGINT/SIGTERM in the CLI): no new check
// starts, every line still gets a report in list order, and a check cut short
// by the stop (fetch-error) counts as not checked.
#include <catch2/catch.hpp>

#include <atomic>
#include <sstream>
#include <string>
#include <vector>

#include "validate/batch_runner.hpp"

using namespace imgtrust::validate;

namespace {

struct StopRun {
    std::vector<std::string> statuses;  // in list order
    std::size_t checks_started = 0;
};

// Checks `count` entries on `jobs` workers; the check of entry `stop_at` requests
// the stop and returns `status_of_stopping_check`.
StopRun run_with_stop(std::size_t jobs, std::size_t count, std::size_t stop_at, CheckStatus status_of_stopping_check) {
    std::string list;
    for (std::size_t i = 0; i < count; ++i) list += "img" + std::to_string(i) + "\n";
    std::istringstream in(list);
    ImageListReader reader(in);
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> started{0};
    StopRun result;
    BatchCallbacks callbacks;
    callbacks.check = [&](std::size_t, const ListEntry& entry, std::size_t sequence) {
        ++started;
        ImageReport report;
        report.sequence = sequence;
        report.line_number = entry.line_number;
        report.passed = true;
        report.status = CheckStatus::verified;
        if (sequence == stop_at) {
            stop = true;
            report.passed = status_of_stopping_check == CheckStatus::verified;
            report.status = status_of_stopping_check;
        }
        return report;
    };
    callbacks.not_checked = [](const ListEntry& entry, std::size_t sequence) {
        return not_checked_report(entry, sequence, "interrupted");
    };
    callbacks.on_in_order = [&](const ImageReport& report) { result.statuses.push_back(status_name(report.status)); };
    BatchSettings settings;
    settings.jobs = jobs;
    settings.stop = &stop;
    run_batch(reader, settings, callbacks);
    result.checks_started = started;
    return result;
}

}  // namespace

TEST_CASE("after a stop, the rest of the list is reported as not-checked, in order") {
    StopRun run = run_with_stop(1, 50, 9, CheckStatus::verified);
    REQUIRE(run.statuses.size() == 50);
    CHECK(run.checks_started == 10);
    for (std::size_t i = 0; i < 10; ++i) CHECK(run.statuses[i] == "verified");
    for (std::size_t i = 10; i < 50; ++i) CHECK(run.statuses[i] == "not-checked");
}

TEST_CASE("a check that ends in fetch-error after the stop is not-checked; other outcomes are kept") {
    CHECK(run_with_stop(1, 5, 2, CheckStatus::fetch_error).statuses ==
          std::vector<std::string>{"verified", "verified", "not-checked", "not-checked", "not-checked"});
    CHECK(run_with_stop(1, 5, 2, CheckStatus::untrusted_key).statuses ==
          std::vector<std::string>{"verified", "verified", "untrusted-key", "not-checked", "not-checked"});
}

TEST_CASE("with several workers every line still gets exactly one report") {
    StopRun run = run_with_stop(8, 2000, 100, CheckStatus::verified);
    REQUIRE(run.statuses.size() == 2000);
    std::size_t not_checked = 0;
    for (const auto& status : run.statuses) not_checked += status == "not-checked" ? 1 : 0;
    CHECK(not_checked + run.checks_started == 2000);
    CHECK(run.checks_started < 2000);
}

TEST_CASE("not-checked reports fail, so the failed list resumes the run") {
    ListEntry entry{7, "  reg/app:v1", "reg/app:v1", 6};
    ImageReport report = not_checked_report(entry, 3, "the run was interrupted by SIGINT");
    CHECK_FALSE(report.passed);
    CHECK(report.input_line == "  reg/app:v1");
    CHECK(report.line_number == 7);
    CHECK(status_fails(report.status));
    CHECK(std::string(status_name(report.status)) == "not-checked");
}
