// Runs the checks of a streamed image list on N worker threads. Memory stays
// bounded: at most `window` entries are in flight or waiting to be written,
// whatever the length of the list. Results are handed out twice: as each
// finishes (for progress and failure lines) and in list order (for the report
// and the failed list, so that any number of jobs gives identical files).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "imgtrust/validate.hpp"
#include "validate/check_result.hpp"
#include "validate/image_list.hpp"

namespace imgtrust::validate {

struct BatchCallbacks {
    // Runs on worker `worker` (0-based); may throw to abort the whole run.
    std::function<ImageReport(std::size_t worker, const ListEntry& entry, std::size_t sequence)> check;
    // Called under the runner's lock: completion order, then list order.
    std::function<void(const ImageReport&)> on_finished;
    std::function<void(const ImageReport&)> on_in_order;
    // After a stop was requested: the report for an entry that is not checked
    // (not started, or cut short by the stop). Required when settings.stop is set.
    std::function<ImageReport(const ListEntry& entry, std::size_t sequence)> not_checked;
};

struct BatchSettings {
    std::size_t jobs = 4;
    std::size_t window = 0;  // 0: 8 × jobs
    // When it becomes true, no new check starts: the rest of the list is read
    // and handed out through callbacks.not_checked, in order, so that the
    // report still has one entry per line. A check that was running and ends in
    // fetch-error after the stop (its requests were cancelled) is not-checked too.
    const std::atomic<bool>* stop = nullptr;
};

// Returns when every entry was checked and handed out in order. If a check
// throws, no new entry is started, running ones finish, and the first
// exception is rethrown here.
void run_batch(ImageListReader& reader, const BatchSettings& settings, const BatchCallbacks& callbacks);

// current_job_label() (the entry the calling thread checks) is public:
// include/imgtrust/validate.hpp.

}  // namespace imgtrust::validate
