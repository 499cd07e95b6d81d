// Rendering verify results: text for people, JSON (documented in
// docs/verify-json.md, written by the library: include/imgtrust/verify_json.hpp)
// for programs. Data goes to stdout, diagnostics to stderr.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "imgtrust/verify_json.hpp"

namespace imgtrust::cli {

// One image's result: a verdict, or the error that prevented one.
using ImageResult = imgtrust::ImageResult;

void print_text_report(std::ostream& out, std::ostream& err, const std::vector<ImageResult>& results);
// interrupted_by: the signal that stopped the run ("SIGINT"), empty for a complete run.
void print_json_report(std::ostream& out, const std::vector<ImageResult>& results, const std::string& interrupted_by = {});

}  // namespace imgtrust::cli
