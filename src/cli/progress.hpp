// What `imgtrust validate` shows on stderr while it runs: on a TTY one
// updating line (done/total, images/s, failures, ETA); off a TTY nothing but
// one line per failure as it happens. Debug lines and failure lines go through
// the same lock so that they never tear the progress line or each other.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "imgtrust/validate.hpp"

namespace imgtrust::cli {

class ValidateProgress {
public:
    // total: number of entries, 0 when unknown. live: draw the updating line (stderr is a TTY).
    ValidateProgress(std::ostream& err, std::size_t total, bool live);
    ~ValidateProgress();

    // Called as each image finishes (any order): counts it, prints a failure line.
    void image_finished(const validate::ImageReport& report);
    // A whole line (e.g. --debug), printed without tearing the progress line.
    void print_line(const std::string& line);
    // Stops the live line and prints the summary.
    void finish(const validate::ReportSummary& summary);

private:
    void draw_locked();
    void clear_locked();
    void tick();

    std::ostream& err_;
    const std::size_t total_;
    const bool live_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::mutex mutex_;
    std::condition_variable stop_signal_;
    bool stopped_ = false;
    bool drawn_ = false;
    std::size_t done_ = 0;
    std::size_t failed_ = 0;
    std::thread ticker_;
};

// The one-line description of a failed image: its first failing manifest and reason.
std::string failure_line(const validate::ImageReport& report);

}  // namespace imgtrust::cli
