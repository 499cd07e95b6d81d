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

// ReportHeader and ReportSummary are public: include/imgtrust/validate.hpp.

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
