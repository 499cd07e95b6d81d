#include "validate/report_merge.hpp"

#include "imgtrust/errors.hpp"

namespace imgtrust::validate {
namespace {

std::string shard_text(std::size_t index, std::size_t count) {
    return std::to_string(index) + "/" + std::to_string(count);
}

// "A report without `shard` (validate run without --shard) is the whole list:
// it merges only alone, as shard 0/1" (docs/validate-sharding.md).
void treat_lone_plain_report_as_whole_list(std::vector<NamedReport>& reports) {
    for (auto& named : reports) {
        if (named.report.header.shard) continue;
        if (reports.size() > 1)
            throw ConfigError(named.name + " is not a shard report (it was written without --shard): only shard reports "
                              "of one run can be merged");
        named.report.header.shard = ShardInfo{{0, 1}, named.report.results.size(), "", ""};
    }
}

// Every shard must come from the same list and settings as the first one.
void check_same_run(const NamedReport& first, const NamedReport& other) {
    const ShardInfo& a = *first.report.header.shard;
    const ShardInfo& b = *other.report.header.shard;
    const std::string both = first.name + " and " + other.name;
    if (a.list_sha256 != b.list_sha256 || a.list_entries != b.list_entries)
        throw ConfigError(both + " are shards of different lists (listSha256 " + a.list_sha256 + " with " +
                          std::to_string(a.list_entries) + " entries, " + b.list_sha256 + " with " +
                          std::to_string(b.list_entries) + ")");
    const ReportHeader& x = first.report.header;
    const ReportHeader& y = other.report.header;
    if (a.settings_sha256 != b.settings_sha256 || x.policy != y.policy || x.architectures != y.architectures ||
        x.oses != y.oses || x.validate_manifest_index != y.validate_manifest_index ||
        x.registry_override != y.registry_override || x.project_override != y.project_override)
        throw ConfigError(both + " were checked with different policies or settings (settingsSha256 " + a.settings_sha256 +
                          ", " + b.settings_sha256 + "; policy \"" + x.policy + "\", \"" + y.policy + "\")");
    if (a.shard.count != b.shard.count)
        throw ConfigError(both + " split the list differently (" + std::to_string(a.shard.count) + " and " +
                          std::to_string(b.shard.count) + " shards)");
}

// Slot K holds shard K/N: each exactly once.
std::vector<NamedReport*> shards_by_index(std::vector<NamedReport>& reports) {
    const std::size_t count = reports.front().report.header.shard->shard.count;
    std::vector<NamedReport*> slots(count, nullptr);
    for (auto& named : reports) {
        const ShardSelection shard = named.report.header.shard->shard;
        if (shard.index >= shard.count)
            throw ConfigError(named.name + ": shard " + shard_text(shard.index, shard.count) + " does not exist");
        if (slots[shard.index])
            throw ConfigError("shard " + shard_text(shard.index, count) + " is given twice: " + slots[shard.index]->name +
                              " and " + named.name);
        slots[shard.index] = &named;
    }
    std::string missing;
    std::size_t missing_count = 0;
    for (std::size_t k = 0; k < count; ++k)
        if (!slots[k] && ++missing_count <= 10) missing += (missing.empty() ? "" : ", ") + shard_text(k, count);
    if (missing_count)
        throw ConfigError(std::to_string(missing_count) + " of " + std::to_string(count) + " shards missing: " + missing +
                          (missing_count > 10 ? ", …" : "") + " (" + std::to_string(reports.size()) + " reports given)");
    return slots;
}

// The results are exactly the shard's entries K, K+N, K+2N, … below listEntries, in order.
void check_shard_results(const NamedReport& named, const MergeOptions& options) {
    const ParsedReport& report = named.report;
    const ShardInfo& info = *report.header.shard;
    if (!report.complete && !options.allow_incomplete)
        throw ConfigError(named.name + " is incomplete (interrupted by " + report.interrupted_by +
                          "): run shard " + shard_text(info.shard.index, info.shard.count) +
                          " again, or merge with --allow-incomplete");
    const std::size_t expected = info.shard.entries_among(info.list_entries);
    if (report.results.size() != expected || report.summary_images != expected)
        throw ConfigError(named.name + " has " + std::to_string(report.results.size()) + " results (summary: " +
                          std::to_string(report.summary_images) + ") where shard " +
                          shard_text(info.shard.index, info.shard.count) + " of a list of " +
                          std::to_string(info.list_entries) + " entries has " + std::to_string(expected));
    for (std::size_t position = 0; position < report.results.size(); ++position) {
        const std::size_t index = report.results[position].entry_index;
        if (index != info.shard.index + position * info.shard.count)
            throw ConfigError(named.name + ": results[" + std::to_string(position) + "] has index " +
                              std::to_string(index) + ", expected " +
                              std::to_string(info.shard.index + position * info.shard.count));
    }
}

}  // namespace

MergedReport merge_shard_reports(std::vector<NamedReport> reports, const MergeOptions& options) {
    if (reports.empty()) throw ConfigError("no reports to merge");
    treat_lone_plain_report_as_whole_list(reports);
    for (std::size_t i = 1; i < reports.size(); ++i) check_same_run(reports.front(), reports[i]);
    std::vector<NamedReport*> shards = shards_by_index(reports);
    for (const NamedReport* shard : shards) check_shard_results(*shard, options);

    MergedReport merged;
    merged.header = reports.front().report.header;
    merged.header.shard.reset();
    const std::size_t count = shards.size();
    const std::size_t entries = reports.front().report.header.shard->list_entries;
    merged.results.reserve(entries);
    for (std::size_t i = 0; i < entries; ++i) {
        ImageReport& result = shards[i % count]->report.results[i / count];
        if (!merged.results.empty() && result.line_number <= merged.results.back().line_number)
            throw ConfigError(shards[i % count]->name + ": entry " + std::to_string(i) + " is on line " +
                              std::to_string(result.line_number) + ", not after line " +
                              std::to_string(merged.results.back().line_number) + " of entry " + std::to_string(i - 1));
        result.sequence = i;
        merged.results.push_back(std::move(result));
        merged.summary.add(merged.results.back());
    }
    for (const NamedReport* shard : shards)
        if (!shard->report.complete && merged.summary.interrupted_by.empty())
            merged.summary.interrupted_by = shard->report.interrupted_by;
    return merged;
}

void write_merged_report(const MergedReport& merged, ReportWriter& writer) {
    writer.begin(merged.header);
    for (const auto& result : merged.results) writer.write(result);
    writer.end(merged.summary);
}

void write_failed_list(const MergedReport& merged, std::ostream& out) {
    for (const auto& result : merged.results)
        if (!result.passed) out << result.input_line << "\n";
}

}  // namespace imgtrust::validate

#ifndef IMGTRUST_LOCAL  // imgtrust/export.hpp defines it (hidden visibility for pimpl State definitions)
#define IMGTRUST_LOCAL __attribute__((visibility("hidden")))
#endif

namespace imgtrust::validate {

struct IMGTRUST_LOCAL ShardReports::State {
    std::vector<NamedReport> reports;
};

ShardReports::ShardReports() : state_(std::make_unique<State>()) {}
ShardReports::~ShardReports() = default;

void ShardReports::add(std::string_view untrusted_text, const std::string& name) {
    state_->reports.push_back({name, parse_report(untrusted_text, name)});
}

std::size_t ShardReports::size() const { return state_->reports.size(); }

MergedReport ShardReports::merge(const MergeOptions& options) {
    std::vector<NamedReport> reports = std::move(state_->reports);
    state_->reports.clear();
    return merge_shard_reports(std::move(reports), options);
}

void write_merged_report(const MergedReport& merged, const std::string& format, std::ostream& out) {
    write_merged_report(merged, *make_report_writer(format, out));
}

}  // namespace imgtrust::validate
