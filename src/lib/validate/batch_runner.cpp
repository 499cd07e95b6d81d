#include "validate/batch_runner.hpp"

#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace imgtrust::validate {
namespace {

thread_local std::string job_label;

class Batch {
public:
    Batch(ImageListReader& reader, const BatchSettings& settings, const BatchCallbacks& callbacks)
        : reader_(reader), callbacks_(callbacks), window_(settings.window ? settings.window : 8 * settings.jobs),
          stop_(settings.stop) {}

    void work(std::size_t worker) {
        while (true) {
            std::optional<ListEntry> entry;
            std::size_t sequence = 0;
            {
                std::unique_lock lock(mutex_);
                room_.wait(lock, [&] { return failed_ || exhausted_ || next_sequence_ - next_to_write_ < window_; });
                if (failed_ || exhausted_) return;
                entry = reader_.next();
                if (!entry) {
                    exhausted_ = true;
                    room_.notify_all();
                    return;
                }
                sequence = next_sequence_++;
            }
            if (!run_one(worker, *entry, sequence)) return;
        }
    }

    void rethrow_failure() {
        if (failure_) std::rethrow_exception(failure_);
    }

private:
    bool run_one(std::size_t worker, const ListEntry& entry, std::size_t sequence) {
        job_label = "job " + std::to_string(worker + 1) + " line " + std::to_string(entry.line_number) + " " +
                    entry.reference_text;
        ImageReport report;
        try {
            if (stop_requested()) {
                report = callbacks_.not_checked(entry, sequence);
            } else {
                report = callbacks_.check(worker, entry, sequence);
                if (stop_requested() && report.status == CheckStatus::fetch_error)
                    report = callbacks_.not_checked(entry, sequence);
            }
        } catch (...) {
            job_label.clear();
            std::lock_guard lock(mutex_);
            record_failure_locked();
            return false;
        }
        job_label.clear();
        std::lock_guard lock(mutex_);
        try {
            if (callbacks_.on_finished) callbacks_.on_finished(report);
            pending_.emplace(sequence, std::move(report));
            write_ready();
        } catch (...) {
            record_failure_locked();
            return false;
        }
        return true;
    }

    bool stop_requested() const { return stop_ && stop_->load(); }

    void record_failure_locked() {
        if (!failed_) failure_ = std::current_exception();
        failed_ = true;
        room_.notify_all();
    }

    // Hands out every finished report whose predecessors are all out.
    void write_ready() {
        for (auto it = pending_.find(next_to_write_); it != pending_.end(); it = pending_.find(next_to_write_)) {
            if (callbacks_.on_in_order && !failed_) callbacks_.on_in_order(it->second);
            pending_.erase(it);
            ++next_to_write_;
        }
        room_.notify_all();
    }

    ImageListReader& reader_;
    const BatchCallbacks& callbacks_;
    const std::size_t window_;
    const std::atomic<bool>* stop_;
    std::mutex mutex_;
    std::condition_variable room_;
    std::map<std::size_t, ImageReport> pending_;
    std::size_t next_sequence_ = 0;
    std::size_t next_to_write_ = 0;
    bool exhausted_ = false;
    bool failed_ = false;
    std::exception_ptr failure_;
};

}  // namespace

const std::string& current_job_label() { return job_label; }

void run_batch(ImageListReader& reader, const BatchSettings& settings, const BatchCallbacks& callbacks) {
    Batch batch(reader, settings, callbacks);
    const std::size_t jobs = settings.jobs ? settings.jobs : 1;
    std::vector<std::thread> workers;
    workers.reserve(jobs);
    for (std::size_t i = 0; i < jobs; ++i) workers.emplace_back([&batch, i] { batch.work(i); });
    for (auto& worker : workers) worker.join();
    batch.rethrow_failure();
}

}  // namespace imgtrust::validate
