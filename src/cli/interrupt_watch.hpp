// SIGINT and SIGTERM during long runs (validate, verify of several images).
// The first signal asks the run to stop and still write what it knows; a
// second one exits at once with 128 + the signal number.
//
// Signals are blocked in the constructing thread and so in every thread it
// creates afterwards (curl engines, workers); one watcher thread takes them
// with sigtimedwait, so no code runs in signal-handler context. Construct it
// before any other thread is started.
#pragma once

#include <atomic>
#include <csignal>
#include <functional>
#include <string>
#include <mutex>
#include <thread>
#include <vector>

namespace imgtrust::cli {

class InterruptWatch {
public:
    // on_first_signal runs on the watcher thread (e.g. to cancel transfers).
    explicit InterruptWatch(std::function<void()> on_first_signal = {});
    ~InterruptWatch();
    InterruptWatch(const InterruptWatch&) = delete;
    InterruptWatch& operator=(const InterruptWatch&) = delete;

    const std::atomic<bool>& stop_requested() const { return stop_requested_; }
    int signal_number() const { return signal_number_.load(); }
    std::string signal_name() const;  // "SIGINT", "SIGTERM", or "" before any signal
    int exit_code() const { return 128 + signal_number(); }  // 130 for SIGINT, 143 for SIGTERM
    // The reason given for an image or line the run did not check.
    std::string not_checked_reason() const { return "not checked: the run was interrupted by " + signal_name(); }
    // Files to remove if a second signal ends the process at once (staged
    // outputs that would otherwise be left behind half-written).
    void remove_on_forced_exit(const std::string& path);

private:
    void watch();

    sigset_t previous_mask_{};
    std::function<void()> on_first_signal_;
    std::atomic<bool> stop_requested_{false};
    std::atomic<int> signal_number_{0};
    std::atomic<bool> finished_{false};
    std::mutex paths_mutex_;
    std::vector<std::string> forced_exit_paths_;
    std::thread watcher_;
};

}  // namespace imgtrust::cli
