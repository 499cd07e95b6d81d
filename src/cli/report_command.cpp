// imgtrust report merge R1 R2 … -o R: the shard reports of `validate --shard
// K/N` merged into the report (and failed list) one machine would have written
// for the whole list (docs/validate-sharding.md).
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/staged_output.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/files.hpp"
#include "imgtrust/report.hpp"

namespace imgtrust::cli {
namespace {

struct MergeOptions {
    std::vector<std::string> reports;
    std::string output;
    std::string format = "json";
    std::string failed_list;
    bool allow_incomplete = false;
    bool auto_yes = false;
};

void add_report(validate::ShardReports& reports, const std::string& path) {
    std::optional<std::string> text;
    try {
        text = read_file_bounded(path, validate::max_report_bytes, "report");
    } catch (const FetchError& error) {
        throw ConfigError(std::string("cannot read report: ") + error.what());
    }
    if (!text) throw ConfigError("cannot read report " + path + ": no such file");
    reports.add(*text, path);
}

void refuse_existing(const std::string& path, const MergeOptions& options) {
    if (!path.empty() && std::filesystem::exists(path) && !options.auto_yes)
        throw ConfigError(path + " already exists; use -y/--auto-yes to overwrite it");
}

// Exit code as `validate` of the whole list: 0 when every image passed, 1 when one failed.
int run_merge(const MergeOptions& options) {
    refuse_existing(options.output, options);
    refuse_existing(options.failed_list, options);
    validate::ShardReports reports;
    for (const auto& path : options.reports) add_report(reports, path);
    const std::size_t merged_count = reports.size();
    const validate::MergedReport merged = reports.merge({options.allow_incomplete});

    StagedOutput report(options.output);
    validate::write_merged_report(merged, options.format, report.stream());
    std::optional<StagedOutput> failed;
    if (!options.failed_list.empty()) {
        failed.emplace(options.failed_list);
        validate::write_failed_list(merged, failed->stream());
        failed->commit();
    }
    report.commit();

    const auto& summary = merged.summary;
    std::cerr << "Merged " << merged_count << " reports into " << options.output << ": " << summary.images << " images, "
              << summary.passed << " passed, " << summary.failed << " failed"
              << (options.failed_list.empty() ? "" : "; failed images: " + options.failed_list) << "\n";
    if (!summary.interrupted_by.empty())
        std::cerr << "Incomplete: a shard was interrupted by " << summary.interrupted_by
                  << "; its not-checked entries are failed\n";
    if (summary.failed) std::cerr << "Failed: " << summary.failed << " of " << summary.images << " images\n";
    return summary.failed ? exit_rejected : exit_accepted;
}

}  // namespace

CommandAction register_report_command(CLI::App& app) {
    auto o = std::make_shared<MergeOptions>();
    CLI::App* report = app.add_subcommand("report", "Work with validate reports");
    report->require_subcommand(1);
    CLI::App* merge = report->add_subcommand(
        "merge", "Merge the shard reports of validate --shard K/N (json or yaml) into the report of the whole list");
    merge->add_option("reports", o->reports, "Shard reports (json or yaml), one per shard, in any order")->required();
    merge->add_option("-o,--output", o->output, "The merged report")->required();
    merge->add_option("--format", o->format, "Merged report format")
        ->check(CLI::IsMember({"json", "yaml", "csv"}))
        ->capture_default_str();
    merge->add_option("--failed-list", o->failed_list, "Also write the failed images, one list line each, in list order");
    merge->add_flag("--allow-incomplete", o->allow_incomplete,
                    "Merge interrupted shard reports too (complete: false); the merged report is then incomplete");
    merge->add_flag("-y,--auto-yes", o->auto_yes, "Overwrite existing output files");
    return [merge, o]() -> int {
        if (!merge->parsed()) return exit_usage_or_config;
        return run_merge(*o);
    };
}

}  // namespace imgtrust::cli
