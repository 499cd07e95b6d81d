// `imgtrust report merge` as a library: the shard reports of one `validate
// --shard K/N` run (K = 0..N-1, any order) merged into the report, and the
// failed list, one machine would have written for the whole list, in list
// order. docs/validate-sharding.md is the contract.
//
//   imgtrust::validate::ShardReports shards;
//   for (const auto& path : paths) shards.add(read_file(path), path);  // parsed one at a time
//   MergedReport merged = shards.merge({});
//   write_merged_report(merged, "json", out);
//   write_failed_list(merged, failed);
#pragma once

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/export.hpp"
#include "imgtrust/validate.hpp"

namespace imgtrust::validate {

// A shard report of 10^6 images is about 1.1 GB in JSON; more than this per
// report means more shards (docs/resource-bounds.md). YAML reports are
// refused above 128 MiB (yaml-cpp's tree takes ~30 times the text).
inline constexpr std::size_t max_report_bytes = std::size_t{1} << 30;

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

// The reports of one run, parsed as they are added (each is untrusted input:
// strict, bounded; the text need not be kept).
class IMGTRUST_API ShardReports {
public:
    ShardReports();
    ~ShardReports();
    ShardReports(const ShardReports&) = delete;
    ShardReports& operator=(const ShardReports&) = delete;

    // A report written by `imgtrust validate --format json|yaml` (JSON when the
    // first non-blank byte is `{`); `name` (its file) is used in messages.
    // Throws ConfigError "<name>: <what is wrong> at <field>".
    void add(std::string_view untrusted_text, const std::string& name);
    std::size_t size() const;

    // Checks that the reports are exactly the N shards of one run, then merges
    // them (and empties this object). Throws ConfigError naming the reports
    // when they are not: different lists or settings, a missing or duplicated
    // shard, a report that is not a shard report (accepted only alone: it is
    // the whole list), an incomplete report without allow_incomplete.
    MergedReport merge(const MergeOptions& options);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The merged report in `format` ("json", "yaml" or "csv"; ConfigError for
// others) and the failed list (`input` of every failed entry, one a line):
// byte for byte what `imgtrust validate` writes for the whole list.
IMGTRUST_API void write_merged_report(const MergedReport& merged, const std::string& format, std::ostream& out);
IMGTRUST_API void write_failed_list(const MergedReport& merged, std::ostream& out);

}  // namespace imgtrust::validate
