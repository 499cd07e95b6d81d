#include "registry/host_health.hpp"

#include <algorithm>
#include <ctime>

namespace imgtrust::registry {
namespace {

std::string utc_text(std::chrono::system_clock::time_point when) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[32];
    if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0) return "?";
    return text;
}

}  // namespace

HostHealth::HostHealth() : HostHealth(Settings{}) {}

HostHealth::HostHealth(Settings settings, Clock clock, WallClock wall_clock)
    : settings_(settings),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      wall_clock_(wall_clock ? std::move(wall_clock) : WallClock([] { return std::chrono::system_clock::now(); })) {}

void HostHealth::set_log(std::function<void(const std::string&)> log) {
    std::lock_guard lock(mutex_);
    log_ = std::move(log);
}

void HostHealth::log(const std::string& line) const {
    if (log_) log_(line);
}

std::string HostHealth::refusal_reason(const std::string& host, const HostState& state) const {
    return "registry " + host + " is unreachable since " + utc_text(state.down_since) + " (" +
           std::to_string(settings_.trip_after) + " consecutive connection failures, the last: " + state.last_failure +
           "); not trying again until a probe succeeds";
}

HostHealth::Admission HostHealth::admit(const std::string& host, std::string* refusal) {
    std::lock_guard lock(mutex_);
    auto found = hosts_.find(host);
    if (found == hosts_.end() || !found->second.down) return Admission::go;
    HostState& state = found->second;
    if (!state.probe_in_flight && clock_() >= state.next_probe_at) {
        state.probe_in_flight = true;
        log("registry " + host + " is down: sending one probe request");
        return Admission::probe;
    }
    if (refusal) *refusal = refusal_reason(host, state);
    return Admission::refuse;
}

void HostHealth::record_answer(const std::string& host) {
    std::lock_guard lock(mutex_);
    auto found = hosts_.find(host);
    if (found == hosts_.end()) return;
    if (found->second.down) log("registry " + host + " answered again: marked up");
    hosts_.erase(found);
}

void HostHealth::record_transport_failure(const std::string& host, const std::string& why) {
    std::lock_guard lock(mutex_);
    HostState& state = hosts_[host];
    state.last_failure = why;
    if (state.down) {
        if (!state.probe_in_flight) return;  // an attempt admitted before the host went down
        state.probe_in_flight = false;
        state.probe_delay = std::min(state.probe_delay * 2, settings_.max_probe_delay);
        state.next_probe_at = clock_() + state.probe_delay;
        log("registry " + host + " probe failed: next probe in " + std::to_string(state.probe_delay.count()) + " ms");
        return;
    }
    if (++state.consecutive_failures < settings_.trip_after) return;
    state.down = true;
    state.down_since = wall_clock_();
    state.probe_delay = settings_.first_probe_delay;
    state.next_probe_at = clock_() + state.probe_delay;
    log("registry " + host + " marked down after " + std::to_string(state.consecutive_failures) +
        " consecutive connection failures (the last: " + why + ")");
}

bool HostHealth::is_down(const std::string& host) const {
    std::lock_guard lock(mutex_);
    auto found = hosts_.find(host);
    return found != hosts_.end() && found->second.down;
}

}  // namespace imgtrust::registry
