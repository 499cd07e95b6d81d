// Runs the checks of a streamed image list on N worker threads. Memory stays
// bounded: at most `window` entries are in flight or waiting to be written,
// whatever the length of the list. Results are handed out twice: as each
// finishes (for progress and failure lines) and in list order (for the report
// and the failed list, so that any number of jobs gives identical files).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "validate/check_result.hpp"
#include "validate/image_list.hpp"

namespace imgtrust::validate {

struct BatchCallbacks {
    // Runs on worker `worker` (0-based); may throw to abort the whole run.
    std::function<ImageReport(std::size_t worker, const ListEntry& entry, std::size_t sequence)> check;
    // Called under the runner's lock: completion order, then list order.
    std::function<void(const ImageReport&)> on_finished;
    std::function<void(const ImageReport&)> on_in_order;
};

struct BatchSettings {
    std::size_t jobs = 4;
    std::size_t window = 0;  // 0: 8 × jobs
};

// Returns when every entry was checked and handed out in order. If a check
// throws, no new entry is started, running ones finish, and the first
// exception is rethrown here.
void run_batch(ImageListReader& reader, const BatchSettings& settings, const BatchCallbacks& callbacks);

// The label of the entry the calling thread is checking ("line 12 reg/app:v1"),
// empty on threads that check nothing; for --debug lines from several jobs.
const std::string& current_job_label();

}  // namespace imgtrust::validate
