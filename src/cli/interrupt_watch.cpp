#include "cli/interrupt_watch.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace imgtrust::cli {
namespace {

sigset_t interrupt_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

void write_stderr(const char* text) {
    std::size_t length = std::strlen(text);
    while (length > 0) {
        ssize_t written = ::write(STDERR_FILENO, text, length);
        if (written <= 0 && errno != EINTR) return;
        if (written > 0) text += written, length -= static_cast<std::size_t>(written);
    }
}

}  // namespace

InterruptWatch::InterruptWatch(std::function<void()> on_first_signal) : on_first_signal_(std::move(on_first_signal)) {
    sigset_t set = interrupt_signals();
    pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
    watcher_ = std::thread([this] { watch(); });
}

InterruptWatch::~InterruptWatch() {
    finished_ = true;
    watcher_.join();
    // A signal that arrived after the run ended (and was not taken) is discarded
    // rather than delivered with the default action once unblocked.
    sigset_t set = interrupt_signals();
    sigset_t pending;
    sigpending(&pending);
    const timespec no_wait{0, 0};
    while (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM)) {
        if (sigtimedwait(&set, nullptr, &no_wait) < 0) break;
        sigpending(&pending);
    }
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void InterruptWatch::remove_on_forced_exit(const std::string& path) {
    std::lock_guard lock(paths_mutex_);
    forced_exit_paths_.push_back(path);
}

std::string InterruptWatch::signal_name() const {
    switch (signal_number()) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case 0: return "";
        default: return "signal " + std::to_string(signal_number());
    }
}

void InterruptWatch::watch() {
    const sigset_t set = interrupt_signals();
    const timespec poll_interval{0, 100 * 1000 * 1000};
    while (!finished_) {
        const int signal = sigtimedwait(&set, nullptr, &poll_interval);
        if (signal < 0) continue;  // timeout or EINTR: look at finished_ again
        if (stop_requested_) {
            {
                std::lock_guard lock(paths_mutex_);
                for (const auto& path : forced_exit_paths_) ::unlink(path.c_str());
            }
            write_stderr("Interrupted again: exiting without writing the report (any previous report is kept)\n");
            ::_exit(128 + signal);
        }
        signal_number_ = signal;
        stop_requested_ = true;
        if (on_first_signal_) on_first_signal_();
    }
}

}  // namespace imgtrust::cli
