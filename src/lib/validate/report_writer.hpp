// Report writers for `imgtrust validate -r FILE --format json|yaml|csv`.
// They stream: begin, then one image at a time (in list order), then end with
// the summary, so a report of any length needs no more memory than one image.
// The JSON form is documented and stable: docs/validate-report.md.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "validate/check_result.hpp"
#include "validate/shard.hpp"

namespace imgtrust::validate {

struct ReportHeader {
    std::string policy;  // policy file, or the description of the in-memory policy
    std::vector<std::string> architectures;
    std::vector<std::string> oses;
    bool validate_manifest_index = true;
    std::string registry_override;
    std::string project_override;
    // validate --shard K/N only: the report then has a `shard` object and each
    // result its `index` in the whole list (docs/validate-sharding.md).
    std::optional<ShardInfo> shard;
};

struct ReportSummary {
    std::size_t images = 0;
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::map<std::string, std::size_t> image_statuses;     // status name → images
    std::map<std::string, std::size_t> manifest_statuses;  // status name → manifests checked
    std::string interrupted_by;  // "SIGINT"/"SIGTERM" when the run was stopped, else empty (the report is complete)

    void add(const ImageReport& report);
};

class ReportWriter {
public:
    virtual ~ReportWriter() = default;
    virtual void begin(const ReportHeader& header) = 0;
    virtual void write(const ImageReport& report) = 0;
    virtual void end(const ReportSummary& summary) = 0;
};

// format: "json", "yaml" or "csv". Throws ConfigError for anything else.
std::unique_ptr<ReportWriter> make_report_writer(const std::string& format, std::ostream& out);

// A JSON string literal (quotes included), written by RapidJSON's Writer;
// invalid UTF-8 becomes U+FFFD. (The YAML report quotes with yaml-cpp's Emitter.)
std::string json_quote(const std::string& text);

}  // namespace imgtrust::validate
