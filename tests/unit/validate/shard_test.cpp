// validate --shard K/N: parsing, the assignment of list entries to shards, and
// the settings fingerprint shard reports carry (src/lib/validate/shard.cpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "imgtrust/errors.hpp"
#include "validate/image_list.hpp"
#include "validate/report_writer.hpp"
#include "validate/shard.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

std::string refusal(const std::string& text) {
    try {
        parse_shard(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(accepted)";
}

const char* const list_text =
    "# nightly\n"
    "reg.example/a:v1\n"
    "\n"
    "  reg.example/b:v1  \r\n"
    "// moved\n"
    "reg.example/c:v1\n"
    "reg.example/d:v1\n"
    "   \n"
    "reg.example/e:v1\n"
    "reg.example/f:v1\n"
    "reg.example/g:v1";

std::vector<ListEntry> read_all(std::optional<ShardSelection> shard) {
    std::istringstream in(list_text);
    ImageListReader reader(in, shard);
    std::vector<ListEntry> entries;
    while (auto entry = reader.next()) entries.push_back(*entry);
    return entries;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

}  // namespace

TEST_CASE("--shard K/N is 0-based, K < N, N from 1 to 10^6, digits only") {
    CHECK(parse_shard("0/4").index == 0);
    CHECK(parse_shard("3/4").index == 3);
    CHECK(parse_shard("3/4").count == 4);
    CHECK(parse_shard("0/1").count == 1);
    CHECK(parse_shard("999999/1000000").index == 999999);
    CHECK_THAT(refusal("4/4"), Catch::Contains("K must be between 0 and 3") && Catch::Contains("0-based"));
    CHECK_THAT(refusal("0/0"), Catch::Contains("N must be between 1 and 1000000"));
    CHECK_THAT(refusal("0/1000001"), Catch::Contains("N must be between 1"));
    for (const char* bad : {"", "4", "1/", "/4", "-1/4", "+1/4", " 1/4", "1/4 ", "1/4/8", "a/4", "1.0/4", "0x1/4",
                            "00000000/4", "1/99999999"})
        CHECK_THAT(refusal(bad), Catch::Contains("--shard"));
}

TEST_CASE("entry i goes to shard i mod N: every entry in exactly one shard, with its index and line") {
    const auto whole = read_all(std::nullopt);
    REQUIRE(whole.size() == 7);
    for (std::size_t i = 0; i < whole.size(); ++i) CHECK(whole[i].index == i);
    CHECK(whole[1].line_number == 4);
    CHECK(whole[1].original_line == "  reg.example/b:v1  ");
    for (std::size_t count : {1, 2, 3, 7, 8}) {
        std::multiset<std::size_t> seen;
        for (std::size_t k = 0; k < count; ++k) {
            const ShardSelection shard{k, count};
            const auto entries = read_all(shard);
            CHECK(entries.size() == shard.entries_among(whole.size()));
            std::istringstream in(list_text);
            CHECK(count_entries(in, shard) == entries.size());
            for (const auto& entry : entries) {
                CHECK(entry.index % count == k);
                CHECK(entry.line_number == whole[entry.index].line_number);
                CHECK(entry.reference_text == whole[entry.index].reference_text);
                seen.insert(entry.index);
            }
        }
        CHECK(seen == std::multiset<std::size_t>{0, 1, 2, 3, 4, 5, 6});
    }
}

TEST_CASE("the settings fingerprint follows trust file contents and the report header, not access settings") {
    const auto directory = std::filesystem::temp_directory_path() / ("imgtrust-shard-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory);
    const std::string key = (directory / "cosign.pub").string();
    write_file(key, "key one");
    TrustOptions trust;
    trust.key_paths = {key};
    SigstoreSignedRequirement requirement;
    requirement.key_path = key;
    Policy policy;
    policy.default_requirements.push_back({requirement, "default[0]"});
    policy.source = "in-memory policy: sigstoreSigned with " + key;
    ReportHeader header{policy.source, {"amd64"}, {"linux"}, true, "", "", std::nullopt};

    const std::string first = settings_fingerprint_text(trust, policy, header);
    CHECK(settings_fingerprint_text(trust, policy, header) == first);
    write_file(key, "key two");
    const std::string other_key = settings_fingerprint_text(trust, policy, header);
    CHECK(other_key != first);
    write_file(key, "key one");
    CHECK(settings_fingerprint_text(trust, policy, header) == first);

    ReportHeader arm = header;
    arm.architectures = {"arm64"};
    CHECK(settings_fingerprint_text(trust, policy, arm) != first);
    TrustOptions repository = trust;
    repository.match_repository = true;
    CHECK(settings_fingerprint_text(repository, policy, header) != first);
    std::filesystem::remove(key);
    CHECK_THAT(settings_fingerprint_text(trust, policy, header), Catch::Contains("missing"));

    const ShardInfo info = make_shard_info({1, 4}, list_text, 7, trust, policy, header);
    CHECK(info.list_sha256.rfind("sha256:", 0) == 0);
    CHECK(info.list_sha256.size() == 7 + 64);
    CHECK(make_shard_info({2, 4}, list_text, 7, trust, policy, header).list_sha256 == info.list_sha256);
    CHECK(make_shard_info({1, 4}, std::string(list_text) + "\n", 7, trust, policy, header).list_sha256 != info.list_sha256);
    std::filesystem::remove_all(directory);
}
