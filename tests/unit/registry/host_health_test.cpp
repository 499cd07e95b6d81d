// The per-host circuit breaker's state machine, on a fake clock.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "registry/host_health.hpp"

using imgtrust::registry::HostHealth;
using Admission = HostHealth::Admission;
using namespace std::chrono_literals;

namespace {

struct FakeClocks {
    std::chrono::steady_clock::time_point now{};
    std::vector<std::string> log;

    std::unique_ptr<HostHealth> make(std::size_t trip_after = 3) {
        HostHealth::Settings settings;
        settings.trip_after = trip_after;
        settings.first_probe_delay = 1000ms;
        settings.max_probe_delay = 4000ms;
        auto health = std::make_unique<HostHealth>(
            settings, [this] { return now; },
            [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)); });
        health->set_log([this](const std::string& line) { log.push_back(line); });
        return health;
    }
};

void fail_times(HostHealth& health, const std::string& host, int times) {
    for (int i = 0; i < times; ++i) health.record_transport_failure(host, "Couldn't connect to server");
}

}  // namespace

TEST_CASE("a host is marked down after trip_after consecutive failures, not before") {
    FakeClocks clocks;
    auto holder = clocks.make(3);
    HostHealth& health = *holder;
    fail_times(health, "r:5000", 2);
    CHECK(health.admit("r:5000") == Admission::go);
    fail_times(health, "r:5000", 1);
    CHECK(health.is_down("r:5000"));
    std::string reason;
    CHECK(health.admit("r:5000", &reason) == Admission::refuse);
    CHECK(reason == "registry r:5000 is unreachable since 2023-11-14T22:13:20Z (3 consecutive connection failures, "
                    "the last: Couldn't connect to server); not trying again until a probe succeeds");
    REQUIRE(clocks.log.size() == 1);
    CHECK(clocks.log[0].find("marked down after 3") != std::string::npos);
}

TEST_CASE("an answer in between resets the count; other hosts are not affected") {
    FakeClocks clocks;
    auto holder = clocks.make(3);
    HostHealth& health = *holder;
    fail_times(health, "r:5000", 2);
    health.record_answer("r:5000");
    fail_times(health, "r:5000", 2);
    CHECK_FALSE(health.is_down("r:5000"));
    fail_times(health, "dead:1", 3);
    CHECK(health.is_down("dead:1"));
    CHECK(health.admit("r:5000") == Admission::go);
    CHECK(health.admit("other:443") == Admission::go);
}

TEST_CASE("one probe at a time after the back-off; a failed probe doubles it, up to the maximum") {
    FakeClocks clocks;
    auto holder = clocks.make(1);
    HostHealth& health = *holder;
    fail_times(health, "h", 1);
    CHECK(health.admit("h") == Admission::refuse);
    clocks.now += 999ms;
    CHECK(health.admit("h") == Admission::refuse);
    clocks.now += 1ms;
    CHECK(health.admit("h") == Admission::probe);
    CHECK(health.admit("h") == Admission::refuse);  // the probe is in flight
    fail_times(health, "h", 1);                       // the probe failed: 2 s
    clocks.now += 1999ms;
    CHECK(health.admit("h") == Admission::refuse);
    clocks.now += 1ms;
    CHECK(health.admit("h") == Admission::probe);
    fail_times(health, "h", 1);  // 4 s
    clocks.now += 4000ms;
    CHECK(health.admit("h") == Admission::probe);
    fail_times(health, "h", 1);  // capped at 4 s
    clocks.now += 4000ms;
    CHECK(health.admit("h") == Admission::probe);
}

TEST_CASE("a probe that gets an answer brings the host back") {
    FakeClocks clocks;
    auto holder = clocks.make(2);
    HostHealth& health = *holder;
    fail_times(health, "h", 2);
    clocks.now += 1000ms;
    REQUIRE(health.admit("h") == Admission::probe);
    health.record_answer("h");
    CHECK_FALSE(health.is_down("h"));
    CHECK(health.admit("h") == Admission::go);
    CHECK(clocks.log.back() == "registry h answered again: marked up");
    fail_times(health, "h", 1);  // counting starts again from zero
    CHECK_FALSE(health.is_down("h"));
}

TEST_CASE("failures of attempts admitted before the host went down do not move the probe schedule") {
    FakeClocks clocks;
    auto holder = clocks.make(1);
    HostHealth& health = *holder;
    fail_times(health, "h", 1);
    fail_times(health, "h", 5);  // stragglers
    clocks.now += 1000ms;
    CHECK(health.admit("h") == Admission::probe);
}
