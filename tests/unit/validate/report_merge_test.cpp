// imgtrust report merge (src/lib/validate/report_reader.cpp, report_merge.cpp):
// shard reports written by the report writers, read back and merged, equal the
// whole-list report byte for byte in every format; every refusal names why.
#include <catch2/catch.hpp>

#include <sstream>

#include "imgtrust/errors.hpp"
#include "validate/report_merge.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

ReportHeader base_header() {
    return {"in-memory policy: sigstoreSigned with /keys/cosign.pub", {"amd64", "arm64"}, {"linux"}, true, "", "team", std::nullopt};
}

ManifestCheck keyless_platform() {
    ManifestCheck check;
    check.kind = ManifestCheck::Kind::platform;
    check.digest = "sha256:2222";
    check.media_type = "application/vnd.oci.image.manifest.v1+json";
    check.has_platform = true;
    check.platform = {"linux", "arm64", "v8"};
    check.status = CheckStatus::verified;
    check.signer.key_fingerprint = "SHA256:ab";
    check.signer.certificate_issuer = "O=sigstore.dev,CN=sigstore-intermediate";
    check.signer.certificate_sans = {"URI:https://github.com/o/r/.github/workflows/x.yml@refs/heads/main", "email:a@b"};
    check.signer.certificate_oidc_issuer = "https://token.actions.githubusercontent.com";
    check.signer.certificate_matched_san = check.signer.certificate_sans[0];
    check.signer.certificate_extensions = {{"githubWorkflowRef", "1.3.6.1.4.1.57264.1.6", "refs/heads/main"},
                                           {"runnerEnvironment", "1.3.6.1.4.1.57264.1.11", "github-hosted"}};
    check.signer.signature_format = "sigstore-bundle";
    check.signer.found_in = "referrers-tag";
    check.signer.signing_times = {{"SET", 1767225600, "https://rekor.example"}, {"TSA", 1767225601, ""}};
    return check;
}

// Entry i of a 7-entry list: a mix of statuses and of the characters each syntax escapes.
ImageReport entry(std::size_t i) {
    ImageReport report;
    report.entry_index = i;
    report.line_number = 2 * i + 3;
    report.input_line = "  reg.example/app" + std::to_string(i) + ":v1";
    report.reference = "docker://reg.example/app" + std::to_string(i) + ":v1";
    ManifestCheck index;
    index.kind = ManifestCheck::Kind::index;
    index.digest = "sha256:1111";
    index.status = i % 2 ? CheckStatus::verified : CheckStatus::unsigned_image;
    if (i % 2 == 0)
        index.reasons = {"A signature was required, but no signature exists",
                         "quote \" comma, newline\nend, tab\t DEL\x7f line sep \xE2\x80\xA8 é"};
    else
        index.signer.signed_identity = "reg.example/app:v1";
    report.manifests = {index, keyless_platform()};
    if (i == 4) {
        report.reference.clear();
        report.input_line = "Not A: Reference, \"quoted\"";
        report.status = CheckStatus::invalid_reference;
        report.error = "line 11: invalid image reference";
        report.manifests.clear();
    }
    if (i == 5) report.manifests = {};
    finish_image_report(report);
    if (i == 5) report.status = CheckStatus::skipped_by_filter;
    return report;
}

std::string render(const std::string& format, const ReportHeader& header, const std::vector<ImageReport>& results,
                   const std::string& interrupted_by = "") {
    std::ostringstream out;
    auto writer = make_report_writer(format, out);
    ReportSummary summary;
    summary.interrupted_by = interrupted_by;
    writer->begin(header);
    for (const auto& result : results) {
        summary.add(result);
        writer->write(result);
    }
    writer->end(summary);
    return out.str();
}

constexpr std::size_t list_entries = 7;

std::vector<ImageReport> whole_list() {
    std::vector<ImageReport> results;
    for (std::size_t i = 0; i < list_entries; ++i) results.push_back(entry(i));
    return results;
}

ShardInfo shard_info(std::size_t k, std::size_t n) {
    return {{k, n}, list_entries, "sha256:" + std::string(64, 'a'), "sha256:" + std::string(64, 'b')};
}

// Shard k of n as `validate --shard k/n --format <format>` writes it.
std::string shard_text(std::size_t k, std::size_t n, const std::string& format = "json", const std::string& interrupted_by = "") {
    ReportHeader header = base_header();
    header.shard = shard_info(k, n);
    std::vector<ImageReport> results;
    for (std::size_t i = k; i < list_entries; i += n) results.push_back(entry(i));
    return render(format, header, results, interrupted_by);
}

NamedReport named(const std::string& name, const std::string& text) { return {name, parse_report(text, name)}; }

std::string merge_refusal(std::vector<NamedReport> reports, MergeOptions options = {}) {
    try {
        merge_shard_reports(std::move(reports), options);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(merged)";
}

std::string merged_text(const MergedReport& merged, const std::string& format) {
    std::ostringstream out;
    auto writer = make_report_writer(format, out);
    write_merged_report(merged, *writer);
    return out.str();
}

}  // namespace

TEST_CASE("shards in json and yaml, given in any order, merge into the whole-list report in every format") {
    for (std::size_t n : {1, 2, 3, 7, 9}) {
        std::vector<NamedReport> reports;
        for (std::size_t k = n; k-- > 0;)
            reports.push_back(named("shard-" + std::to_string(k), shard_text(k, n, k % 2 ? "yaml" : "json")));
        const MergedReport merged = merge_shard_reports(std::move(reports), {});
        for (const char* format : {"json", "yaml", "csv"})
            CHECK(merged_text(merged, format) == render(format, base_header(), whole_list()));
        std::ostringstream failed;
        write_failed_list(merged, failed);
        std::string expected_failed;
        for (const auto& result : whole_list())
            if (!result.passed) expected_failed += result.input_line + "\n";
        CHECK(failed.str() == expected_failed);
        CHECK(merged.summary.images == list_entries);
    }
}

TEST_CASE("shard reports carry shard and index; plain reports do not") {
    const std::string shard = shard_text(1, 3);
    CHECK_THAT(shard, Catch::Contains("\"shard\": {\"index\": 1, \"count\": 3, \"listEntries\": 7,"));
    CHECK_THAT(shard, Catch::Contains("\"line\": 5,\n      \"index\": 1,\n"));
    CHECK_THAT(shard_text(1, 3, "yaml"), Catch::Contains("shard:\n  index: 1\n  count: 3\n  listEntries: 7\n"));
    CHECK_THAT(shard_text(1, 3, "yaml"), Catch::Contains("  - line: 5\n    index: 1\n"));
    const std::string plain = render("json", base_header(), whole_list());
    CHECK(plain.find("\"shard\"") == std::string::npos);
    CHECK(plain.find("\n      \"index\": ") == std::string::npos);
}

TEST_CASE("a missing, duplicated or foreign shard is refused, naming the reports") {
    CHECK_THAT(merge_refusal({named("a", shard_text(0, 3)), named("c", shard_text(2, 3))}),
               Catch::Contains("1 of 3 shards missing: 1/3"));
    CHECK_THAT(merge_refusal({named("a", shard_text(0, 3)), named("b", shard_text(1, 3)), named("b2", shard_text(1, 3)),
                              named("c", shard_text(2, 3))}),
               Catch::Contains("shard 1/3 is given twice: b and b2"));
    CHECK_THAT(merge_refusal({named("a", shard_text(0, 3)), named("b", shard_text(1, 2))}),
               Catch::Contains("a and b split the list differently"));

    std::string other_list = shard_text(1, 3);
    other_list.replace(other_list.find(std::string(64, 'a')), 64, std::string(64, 'c'));
    CHECK_THAT(merge_refusal({named("a", shard_text(0, 3)), named("b", other_list), named("c", shard_text(2, 3))}),
               Catch::Contains("a and b are shards of different lists"));
    std::string other_settings = shard_text(2, 3);
    other_settings.replace(other_settings.find(std::string(64, 'b')), 64, std::string(64, 'd'));
    CHECK_THAT(merge_refusal({named("a", shard_text(0, 3)), named("b", shard_text(1, 3)), named("c", other_settings)}),
               Catch::Contains("a and c were checked with different policies or settings"));
    std::string other_policy = shard_text(2, 3);
    other_policy.replace(other_policy.find("/keys/cosign.pub"), 16, "/keys/other.pub!");
    CHECK_THAT(merge_refusal({named("a", shard_text(0, 3)), named("b", shard_text(1, 3)), named("c", other_policy)}),
               Catch::Contains("different policies or settings"));
}

TEST_CASE("a plain report merges only alone (it is the whole list)") {
    const std::string plain = render("yaml", base_header(), whole_list());
    const MergedReport merged = merge_shard_reports({named("all.yaml", plain)}, {});
    CHECK(merged_text(merged, "yaml") == plain);
    CHECK(merged_text(merged, "csv") == render("csv", base_header(), whole_list()));
    CHECK_THAT(merge_refusal({named("all.yaml", plain), named("s0", shard_text(0, 2)), named("s1", shard_text(1, 2))}),
               Catch::Contains("all.yaml is not a shard report"));
}

TEST_CASE("an interrupted shard is refused unless --allow-incomplete; the merge is then incomplete") {
    auto reports = [] {
        std::vector<NamedReport> out;
        out.push_back(named("s0", shard_text(0, 2)));
        out.push_back(named("s1", shard_text(1, 2, "yaml", "SIGTERM")));
        return out;
    };
    CHECK_THAT(merge_refusal(reports()), Catch::Contains("s1 is incomplete (interrupted by SIGTERM): run shard 1/2 again"));
    const MergedReport merged = merge_shard_reports(reports(), {true});
    CHECK(merged.summary.interrupted_by == "SIGTERM");
    CHECK(merged_text(merged, "json") == render("json", base_header(), whole_list(), "SIGTERM"));
}

TEST_CASE("a shard whose results are not exactly its entries is refused") {
    std::string text = shard_text(1, 3);
    text.replace(text.find("\"index\": 4,"), 11, "\"index\": 5,");
    CHECK_THAT(merge_refusal({named("a", shard_text(0, 3)), named("b", text), named("c", shard_text(2, 3))}),
               Catch::Contains("b: results[1] has index 5, expected 4"));
    ReportHeader header = base_header();
    header.shard = shard_info(1, 3);
    const std::string short_shard = render("json", header, {entry(1)});
    CHECK_THAT(merge_refusal({named("a", shard_text(0, 3)), named("b", short_shard), named("c", shard_text(2, 3))}),
               Catch::Contains("b has 1 results (summary: 1) where shard 1/3 of a list of 7 entries has 2"));
}

TEST_CASE("report reading is strict: types, unknown and duplicate fields, versions") {
    auto refusal = [](const std::string& text) {
        try {
            parse_report(text, "r.json");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("(read)");
    };
    const std::string json = shard_text(0, 2);
    auto changed = [&](const std::string& from, const std::string& to) {
        std::string text = json;
        text.replace(text.find(from), from.size(), to);
        return text;
    };
    CHECK_THAT(refusal(changed("\"passed\": false", "\"passed\": \"false\"")), Catch::Contains("results[0].passed: expected true or false"));
    CHECK_THAT(refusal(changed("\"line\": 3", "\"line\": -3")), Catch::Contains("results[0].line: expected a non-negative integer"));
    CHECK_THAT(refusal(changed("\"error\": \"\"", "\"error\": \"\", \"elapsed\": 3")), Catch::Contains("results[0].elapsed: unknown field"));
    CHECK_THAT(refusal(changed("\"error\": \"\"", "\"error\": \"\", \"error\": \"x\"")), Catch::Contains("results[0].error: duplicate field"));
    CHECK_THAT(refusal(changed("\"schemaVersion\": 1", "\"schemaVersion\": 2")), Catch::Contains("schemaVersion: expected 1"));
    CHECK_THAT(refusal(changed("\"status\": \"unsigned\"", "\"status\": \"fine\"")), Catch::Contains("status: expected a status name"));
    CHECK_THAT(refusal(json.substr(0, json.size() / 2)), Catch::Contains("r.json: not a validate report: invalid JSON"));
    CHECK_THAT(refusal("results: [\n"), Catch::Contains("r.json: not a validate report: invalid YAML"));
    std::string yaml = shard_text(0, 2, "yaml");
    yaml.replace(yaml.find("line: 3"), 7, "line: \"3\"");
    CHECK_THAT(refusal(yaml), Catch::Contains("results[0].line: expected a non-negative integer"));
    CHECK(refusal(shard_text(1, 2, "yaml")) == "(read)");
}
