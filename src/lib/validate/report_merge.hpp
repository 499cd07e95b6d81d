// `imgtrust report merge`: the shard reports of one `validate --shard K/N` run
// (K = 0..N-1) merged into the report one machine would have written for the
// whole list, in list order. docs/validate-sharding.md is the contract.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "validate/report_reader.hpp"
#include "validate/report_writer.hpp"

namespace imgtrust::validate {

struct NamedReport {
    std::string name;  // the file, for messages
    ParsedReport report;
};

struct MergeOptions {
    // Interrupted shards (complete: false) are refused unless this is set; the
    // merged report is then incomplete too, with their not-checked entries.
    bool allow_incomplete = false;
};

struct MergedReport {
    ReportHeader header;               // the shards' header, without `shard`
    std::vector<ImageReport> results;  // every list entry, in list order
    ReportSummary summary;             // recomputed from the results
};

// Checks that the reports are exactly the N shards of one run, then merges
// them. Throws ConfigError naming the reports when they are not: different
// lists (listSha256, listEntries), settings (settingsSha256, header), or shard
// counts; a missing or duplicated shard; a report that is not a shard report
// (accepted only alone: it is the whole list, as 0/1); an incomplete report
// without allow_incomplete; a report whose results are not exactly its
// shard's entries.
MergedReport merge_shard_reports(std::vector<NamedReport> reports, const MergeOptions& options);

// The merged report through a writer (json, yaml or csv), and the failed list
// (`input` of every failed entry, one a line, in list order): byte for byte
// what `imgtrust validate` writes for the whole list.
void write_merged_report(const MergedReport& merged, ReportWriter& writer);
void write_failed_list(const MergedReport& merged, std::ostream& out);

}  // namespace imgtrust::validate
