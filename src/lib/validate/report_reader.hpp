// Reads a report written by `imgtrust validate --format json|yaml` back into
// the records the report writers take, for `imgtrust report merge`. A report
// is untrusted input (a file from another machine): JSON goes through
// util::parse_untrusted_json, YAML through util::load_untrusted_yaml, both
// bounded; every field is type-checked, and unknown or duplicate keys are
// refused (a field written by a newer imgtrust would silently vanish from the
// merged report). The CSV form cannot be read back: it has no header (policy,
// shard) and no summary (docs/validate-sharding.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/report.hpp"
#include "validate/report_writer.hpp"

namespace imgtrust::validate {

// A shard report of 10^6 images is about 1.1 GB in JSON; more than this per
// report means more shards (docs/resource-bounds.md). yaml-cpp's node tree
// takes about 30 times the size of the text (3.4 GB for a 108 MB report of
// 10^5 images, measured), so YAML reports get a lower bound: write large shard
// reports in JSON.
// max_report_bytes (1 GiB) is public: include/imgtrust/report.hpp.
inline constexpr std::size_t max_yaml_report_bytes = std::size_t{128} << 20;

struct ParsedReport {
    ReportHeader header;               // header.shard is set for a shard report
    std::vector<ImageReport> results;  // entry_index from `index`, else the position in the report
    std::size_t summary_images = 0;    // summary.images as written
    bool complete = true;
    std::string interrupted_by;        // "SIGINT"/"SIGTERM" when complete is false
};

// JSON when the first non-blank byte is `{`, else YAML. Throws ConfigError
// "<name>: <what is wrong> at <field>" for anything that is not a report this
// imgtrust writes (schemaVersion 1, tool "imgtrust validate").
ParsedReport parse_report(std::string_view untrusted_text, const std::string& name);

}  // namespace imgtrust::validate
