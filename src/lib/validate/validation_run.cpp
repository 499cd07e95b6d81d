// run_validation (include/imgtrust/validate.hpp): a whole image list through
// the batch runner, the report writer and the failed list, in list order.
#include <sstream>

#include "imgtrust/errors.hpp"
#include "imgtrust/validate.hpp"
#include "validate/batch_runner.hpp"
#include "validate/image_list.hpp"
#include "validate/report_writer.hpp"
#include "validate/shard.hpp"
#include "validate/validator_access.hpp"

namespace imgtrust::validate {
namespace {

// The report header, with the shard's fingerprints under --shard.
ReportHeader run_header(const Validator& validator, const ValidationRun& run) {
    ReportHeader header = validator.report_header();
    if (!run.shard) return header;
    std::istringstream whole(std::string{run.whole_list});
    const std::size_t entries = count_entries(whole);
    header.shard = make_shard_info(*run.shard, run.whole_list, entries, validator.settings().trust, validator.policy(), header);
    return header;
}

// Stops on run.stop, or on the client's cancel flag when no stop flag is given.
const std::atomic<bool>* stop_flag(const Validator& validator, const ValidationRun& run) {
    if (run.stop) return run.stop;
    return validator.client().system_context().cancel.get();
}

}  // namespace

ReportSummary run_validation(const Validator& validator, std::istream& list, const ValidationRun& run) {
    std::unique_ptr<ReportWriter> writer;
    if (run.report) writer = make_report_writer(run.report_format, *run.report);
    if (writer) writer->begin(run_header(validator, run));

    const std::atomic<bool>* stop = stop_flag(validator, run);
    ReportSummary summary;
    ImageListReader reader(list, run.shard);
    BatchCallbacks callbacks;
    callbacks.check = [&validator](std::size_t, const ListEntry& entry, std::size_t sequence) {
        return ValidatorAccess::check(validator, entry, sequence);
    };
    callbacks.not_checked = [&run](const ListEntry& entry, std::size_t sequence) {
        return not_checked_report(entry, sequence,
                                  run.not_checked_reason ? run.not_checked_reason() : "not checked: the run was cancelled");
    };
    callbacks.on_finished = run.on_finished;
    callbacks.on_in_order = [&](const ImageReport& report) {
        summary.add(report);
        if (writer) writer->write(report);
        if (run.failed_list && !report.passed) *run.failed_list << report.input_line << "\n";
        if (run.on_in_order) run.on_in_order(report);
    };
    BatchSettings settings;
    settings.jobs = run.jobs;
    settings.stop = stop;
    run_batch(reader, settings, callbacks);

    if (stop && stop->load()) summary.interrupted_by = run.interrupted_by ? run.interrupted_by() : "cancelled";
    if (writer) writer->end(summary);
    return summary;
}

}  // namespace imgtrust::validate
