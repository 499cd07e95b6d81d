#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "imgtrust/errors.hpp"
#include "validate/batch_runner.hpp"
#include "validate/validation_policy.hpp"
#include "fixtures.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

std::string numbered_list(std::size_t count) {
    std::string text = "# list\n";
    for (std::size_t i = 0; i < count; ++i) text += "img" + std::to_string(i) + "\n";
    return text;
}

// Later entries finish sooner, so completion order differs from list order.
ImageReport slow_first(const ListEntry& entry, std::size_t sequence) {
    std::this_thread::sleep_for(std::chrono::microseconds(200 * ((sequence * 7919) % 13)));
    ImageReport report;
    report.sequence = sequence;
    report.line_number = entry.line_number;
    report.input_line = entry.original_line;
    report.passed = sequence % 3 != 0;
    return report;
}

// What the workers saw. Catch2 assertions are not thread-safe, so the check
// callback (run on worker threads) only records; the test asserts after run_batch.
struct WorkerObservations {
    std::mutex mutex;
    std::vector<std::size_t> workers_out_of_range;
    std::vector<std::string> wrong_job_labels;  // "expected | actual"
};

std::vector<std::string> run(std::size_t jobs, std::size_t count, std::size_t* max_in_flight = nullptr) {
    std::istringstream in(numbered_list(count));
    ImageListReader reader(in);
    std::vector<std::string> in_order;
    std::atomic<std::size_t> in_flight{0}, peak{0};
    WorkerObservations seen;
    BatchCallbacks callbacks;
    callbacks.check = [&](std::size_t worker, const ListEntry& entry, std::size_t sequence) {
        const std::string expected_label = "job " + std::to_string(worker + 1) + " line " +
                                           std::to_string(entry.line_number) + " " + entry.reference_text;
        const std::string label = current_job_label();
        if (worker >= jobs || label != expected_label) {
            std::lock_guard lock(seen.mutex);
            if (worker >= jobs) seen.workers_out_of_range.push_back(worker);
            if (label != expected_label) seen.wrong_job_labels.push_back(expected_label + " | " + label);
        }
        std::size_t now = ++in_flight;
        for (std::size_t previous = peak; now > previous && !peak.compare_exchange_weak(previous, now);) {}
        auto report = slow_first(entry, sequence);
        --in_flight;
        return report;
    };
    std::size_t finished = 0;
    callbacks.on_finished = [&](const ImageReport&) { ++finished; };
    callbacks.on_in_order = [&](const ImageReport& report) { in_order.push_back(report.input_line); };
    run_batch(reader, {jobs, 0}, callbacks);
    CHECK(seen.workers_out_of_range.empty());
    CHECK(seen.wrong_job_labels.empty());
    CHECK(finished == count);
    if (max_in_flight) *max_in_flight = peak;
    return in_order;
}

}  // namespace

TEST_CASE("batch: results come out in list order whatever the number of jobs") {
    auto one = run(1, 60);
    REQUIRE(one.size() == 60);
    for (std::size_t i = 0; i < one.size(); ++i) CHECK(one[i] == "img" + std::to_string(i));
    std::size_t peak = 0;
    auto eight = run(8, 60, &peak);
    CHECK(eight == one);
    CHECK(peak <= 8);
    CHECK(current_job_label().empty());
}

TEST_CASE("batch: memory is bounded by the window, not the list length") {
    std::istringstream in(numbered_list(200));
    ImageListReader reader(in);
    std::size_t waiting = 0, max_waiting = 0, next_expected = 0;
    std::mutex mutex;
    BatchCallbacks callbacks;
    callbacks.check = [](std::size_t, const ListEntry& entry, std::size_t sequence) {
        // Entry 0 is slow: everything else piles up behind it, up to the window.
        if (sequence == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return slow_first(entry, sequence + 1);
    };
    callbacks.on_finished = [&](const ImageReport&) {
        std::lock_guard lock(mutex);
        max_waiting = std::max(max_waiting, ++waiting);
    };
    // on_in_order runs on worker threads: record the order, assert after run_batch.
    std::vector<std::size_t> line_numbers_in_order;
    callbacks.on_in_order = [&](const ImageReport& report) {
        std::lock_guard lock(mutex);
        --waiting;
        line_numbers_in_order.push_back(report.line_number);
        ++next_expected;
    };
    run_batch(reader, {4, 16}, callbacks);
    std::vector<std::size_t> list_order(200);
    for (std::size_t i = 0; i < list_order.size(); ++i) list_order[i] = i + 2;  // line 1 is the "# list" comment
    CHECK(line_numbers_in_order == list_order);
    CHECK(next_expected == 200);
    CHECK(max_waiting <= 16);
}

TEST_CASE("batch: an exception stops the run and is rethrown; reports after it are not handed out") {
    std::istringstream in(numbered_list(50));
    ImageListReader reader(in);
    std::size_t handed_out = 0;
    BatchCallbacks callbacks;
    callbacks.check = [](std::size_t, const ListEntry& entry, std::size_t sequence) -> ImageReport {
        if (sequence == 10) throw ConfigError("bad key");
        return slow_first(entry, sequence);
    };
    callbacks.on_in_order = [&](const ImageReport&) { ++handed_out; };
    CHECK_THROWS_AS(run_batch(reader, {4, 0}, callbacks), ConfigError);
    CHECK(handed_out <= 10);
}

TEST_CASE("validation policy: keys become sigstoreSigned with the chosen identity") {
    TrustOptions options;
    options.key_paths = {fixture_path("keys/ecdsa-p256.pub")};
    Policy policy = build_validation_policy(options);
    const auto& requirement = std::get<SigstoreSignedRequirement>(policy.transports.at("docker").at("").at(0).value);
    CHECK(requirement.key_path == fixture_path("keys/ecdsa-p256.pub"));
    CHECK(requirement.signed_identity.kind == SignedIdentity::Kind::match_repo_digest_or_exact);
    CHECK(std::holds_alternative<SigstoreSignedRequirement>(policy.default_requirements.at(0).value));

    options.key_paths.push_back(fixture_path("keys/rsa-2048.pub"));
    options.exact_repository = "source.example/team/app";
    policy = build_validation_policy(options);
    const auto& two = std::get<SigstoreSignedRequirement>(policy.default_requirements.at(0).value);
    REQUIRE(two.key_paths);
    CHECK(two.key_paths->size() == 2);
    CHECK(two.signed_identity.kind == SignedIdentity::Kind::exact_repository);
    CHECK(two.signed_identity.docker_repository == "source.example/team/app");
    CHECK(policy.source.find("exactRepository source.example/team/app") != std::string::npos);

    options.exact_repository.clear();
    options.match_repository = true;
    policy = build_validation_policy(options);
    CHECK(std::get<SigstoreSignedRequirement>(policy.default_requirements.at(0).value).signed_identity.kind ==
          SignedIdentity::Kind::match_repository);
}

TEST_CASE("validation policy: configuration errors") {
    TrustOptions none;
    CHECK_THROWS_AS(build_validation_policy(none), ConfigError);
    TrustOptions bad_key;
    bad_key.key_paths = {fixture_path("keys/not-a-key.pub")};
    CHECK_THROWS_AS(build_validation_policy(bad_key), ConfigError);
    TrustOptions missing;
    missing.key_paths = {fixture_path("keys/does-not-exist.pub")};
    CHECK_THROWS_AS(build_validation_policy(missing), ConfigError);
    TrustOptions tagged;
    tagged.key_paths = {fixture_path("keys/ecdsa-p256.pub")};
    tagged.exact_repository = "reg.example/app:v1";
    CHECK_THROWS_AS(build_validation_policy(tagged), ConfigError);
    TrustOptions both = tagged;
    both.exact_repository = "reg.example/app";
    both.match_repository = true;
    CHECK_THROWS_AS(build_validation_policy(both), ConfigError);
    TrustOptions two_sources;
    two_sources.key_paths = {fixture_path("keys/ecdsa-p256.pub")};
    two_sources.policy_path = "/x";
    CHECK_THROWS_AS(build_validation_policy(two_sources), ConfigError);
    TrustOptions identity_without_keys;
    identity_without_keys.insecure_policy = true;
    identity_without_keys.match_repository = true;
    CHECK_THROWS_AS(build_validation_policy(identity_without_keys), ConfigError);
}
