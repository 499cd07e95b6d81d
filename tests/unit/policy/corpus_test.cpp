// The hand-written policy corpus: every file in policies/invalid/ must be
// rejected with the location and message its .expect file names; every file in
// policies/valid/ must parse without any error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::filesystem::path> corpus_files(const std::string& folder) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(fixture_path("policies/" + folder)))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

// One line: `<location> | <message substring>`; the location may be empty.
struct Expectation {
    std::string location;
    std::string message_part;
};

Expectation read_expectation(const std::filesystem::path& json_path) {
    std::filesystem::path expect_path = json_path;
    expect_path.replace_extension(".expect");
    std::string line = read_text(expect_path);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    std::size_t separator = line.find(" | ");
    REQUIRE(separator != std::string::npos);
    return {line.substr(0, separator), line.substr(separator + 3)};
}

}  // namespace

TEST_CASE("every invalid corpus policy is rejected at the expected location") {
    auto files = corpus_files("invalid");
    REQUIRE(files.size() >= 35);
    for (const auto& path : files) {
        INFO(path.filename().string());
        std::string json = read_text(path);
        Expectation expected = read_expectation(path);
        try {
            imgtrust::parse_policy(json, path.string());
            FAIL("parse_policy accepted an invalid policy");
        } catch (const imgtrust::PolicyFormatError& e) {
            INFO(e.what());
            CHECK(e.location() == expected.location);
            CHECK_THAT(e.bare_message(), Catch::Contains(expected.message_part));
        }
        auto diagnostics = imgtrust::collect_policy_errors(json);
        REQUIRE_FALSE(diagnostics.empty());
        CHECK(diagnostics.front().location == expected.location);
        CHECK_THAT(diagnostics.front().message, Catch::Contains(expected.message_part));
    }
}

TEST_CASE("every valid corpus policy parses without errors") {
    auto files = corpus_files("valid");
    REQUIRE(files.size() >= 10);
    for (const auto& path : files) {
        INFO(path.filename().string());
        std::string json = read_text(path);
        CHECK_NOTHROW(imgtrust::parse_policy(json, path.string()));
        CHECK(imgtrust::collect_policy_errors(json).empty());
    }
}
