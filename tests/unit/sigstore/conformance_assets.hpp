// Test helpers over the sigstore-conformance assets copied into
// tests/conformance/bundle-verify (see tests/conformance/PROVENANCE).
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "fixtures.hpp"
#include "util/bytes.hpp"

// A file of one conformance case: conformance_file("happy-path-v0.3", "bundle.sigstore.json").
inline std::string conformance_file(const std::string& case_name, const std::string& file) {
    auto text = imgtrust::util::read_file_bounded(fixture_path("../conformance/bundle-verify/" + case_name + "/" + file),
                                                  4 * 1024 * 1024, file);
    REQUIRE(text);
    return *text;
}

// `text` with the first `from` replaced by `to` (which must be there): one mutation of a valid document.
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}
