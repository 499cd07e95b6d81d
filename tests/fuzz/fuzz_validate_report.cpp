// `imgtrust report merge`: the input as a validate report (JSON when it starts
// with `{`, else YAML), read back strictly; a report that reads is merged alone
// (as the whole list, or as shard 0/1), merged with itself (refused: a
// duplicated shard or a plain report among others) and written in every format.
#include "fuzz_support.hpp"

#include <sstream>

#include "validate/report_merge.hpp"

namespace {

void write_every_format(const imgtrust::validate::MergedReport& merged) {
    for (const char* format : {"json", "yaml", "csv"}) {
        std::ostringstream out;
        auto writer = imgtrust::validate::make_report_writer(format, out);
        imgtrust::validate::write_merged_report(merged, *writer);
    }
    std::ostringstream failed;
    imgtrust::validate::write_failed_list(merged, failed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace imgtrust::validate;
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    imgtrust::fuzz::ignore_rejection([&] {
        const ParsedReport report = parse_report(text, "fuzz.report");
        imgtrust::fuzz::ignore_rejection([&] { write_every_format(merge_shard_reports({{"a", report}}, {true})); });
        imgtrust::fuzz::ignore_rejection([&] { (void)merge_shard_reports({{"a", report}, {"b", report}}, {}); });
    });
    return 0;
}
