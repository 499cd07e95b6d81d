// verify --output json: the library's document (include/imgtrust/verify_json.hpp).
#include "cli/verify_report.hpp"

namespace imgtrust::cli {

void print_json_report(std::ostream& out, const std::vector<ImageResult>& results, const std::string& interrupted_by) {
    write_verify_json(out, results, interrupted_by);
}

}  // namespace imgtrust::cli
