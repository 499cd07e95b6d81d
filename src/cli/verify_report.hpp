// Rendering verify results: text for people, JSON (documented in
// docs/verify-json.md) for programs. Data goes to stdout, diagnostics to stderr.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "imgtrust/verify.hpp"

namespace imgtrust::cli {

// One image's result: a verdict, or the error that prevented one.
struct ImageResult {
    std::string image;
    std::optional<Verdict> verdict;
    std::string error_kind;     // set when there is no verdict
    std::string error_message;
};

void print_text_report(std::ostream& out, std::ostream& err, const std::vector<ImageResult>& results);
// interrupted_by: the signal that stopped the run ("SIGINT"), empty for a complete run.
void print_json_report(std::ostream& out, const std::vector<ImageResult>& results, const std::string& interrupted_by = {});

}  // namespace imgtrust::cli
