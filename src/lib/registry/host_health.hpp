// Per-run health of registry hosts: a circuit breaker, so that a registry that
// died mid-run costs seconds, not one retry budget per remaining image.
//
// - After `trip_after` consecutive transport failures to a host (connection
//   refused, DNS failure, TLS handshake failure; all jobs counted together, each
//   attempt counted), the host is down. Any HTTP response in between, whatever
//   its status, resets the count: the host answered.
// - While down, requests to it are refused at once (FetchError naming the host
//   and since when), except one probe at a time, no earlier than the back-off
//   (first_probe_delay, doubling up to max_probe_delay). A probe that gets any
//   HTTP response brings the host back; a failed probe doubles the back-off.
// - Other hosts are not affected. Retries of one request still follow
//   --retry-times; the breaker only stops the run from paying them per image.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace imgtrust::registry {

class HostHealth {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    using WallClock = std::function<std::chrono::system_clock::time_point()>;

    struct Settings {
        // 8: two full retry budgets of one request at the default --retry-times 3
        // (4 attempts each), with no answer in between, so one unlucky image does
        // not trip it, while a dead host trips after the first few images.
        std::size_t trip_after = 8;
        std::chrono::milliseconds first_probe_delay{1000};
        std::chrono::milliseconds max_probe_delay{30000};
    };

    enum class Admission { go, probe, refuse };

    HostHealth();
    explicit HostHealth(Settings settings, Clock clock = {}, WallClock wall_clock = {});

    // Before an attempt. `refusal` receives the reason when refused.
    Admission admit(const std::string& host, std::string* refusal = nullptr);
    // After an attempt: the host answered with an HTTP response (any status).
    void record_answer(const std::string& host);
    // After an attempt: connection-level failure (`why` is kept for the refusal message).
    void record_transport_failure(const std::string& host, const std::string& why);

    bool is_down(const std::string& host) const;
    // Receives one line per state change ("registry r:5000 marked down after 8 …", "… is back").
    void set_log(std::function<void(const std::string&)> log);

private:
    struct HostState {
        std::size_t consecutive_failures = 0;
        bool down = false;
        bool probe_in_flight = false;
        std::chrono::steady_clock::time_point next_probe_at{};
        std::chrono::milliseconds probe_delay{0};
        std::chrono::system_clock::time_point down_since{};
        std::string last_failure;
    };

    void log(const std::string& line) const;
    std::string refusal_reason(const std::string& host, const HostState& state) const;

    const Settings settings_;
    Clock clock_;
    WallClock wall_clock_;
    std::function<void(const std::string&)> log_;
    mutable std::mutex mutex_;
    std::map<std::string, HostState> hosts_;
};

}  // namespace imgtrust::registry
