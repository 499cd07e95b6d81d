// `imgtrust report merge`: the shard reports of one `validate --shard K/N` run
// (K = 0..N-1) merged into the report one machine would have written for the
// whole list, in list order. docs/validate-sharding.md is the contract.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "imgtrust/report.hpp"
#include "validate/report_reader.hpp"
#include "validate/report_writer.hpp"

namespace imgtrust::validate {

struct NamedReport {
    std::string name;  // the file, for messages
    ParsedReport report;
};

// MergeOptions, MergedReport, ShardReports and the format-taking
// write_merged_report are public: include/imgtrust/report.hpp.

// Checks that the reports are exactly the N shards of one run, then merges
// them. Throws ConfigError naming the reports when they are not: different
// lists (listSha256, listEntries), settings (settingsSha256, header), or shard
// counts; a missing or duplicated shard; a report that is not a shard report
// (accepted only alone: it is the whole list, as 0/1); an incomplete report
// without allow_incomplete; a report whose results are not exactly its
// shard's entries.
MergedReport merge_shard_reports(std::vector<NamedReport> reports, const MergeOptions& options);

// The merged report through a writer (json, yaml or csv).
void write_merged_report(const MergedReport& merged, ReportWriter& writer);

}  // namespace imgtrust::validate
