// The public validation facade (include/imgtrust/validate.hpp): Validator's
// one-line check gives the entry run_validation reports for the same line,
// image_report_json is the JSON report's object on one line, and check_line is
// safe from many threads on one Validator. Images come from fake_registry.py
// on loopback (an unsigned image, a missing one).
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <sstream>
#include <thread>
#include <vector>

#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/validate.hpp"
#include "registry/fake_registry.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

const std::string manifest_json =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json",)"
    R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]})";

// Serves repository "app" with tag v1 (unsigned); everything else is 404.
void serve_unsigned_image(FakeRegistry& registry) {
    std::string body;
    for (char c : manifest_json) body += c == '"' ? std::string("\\\"") : std::string(1, c);
    registry.configure(R"({"routes": {"/v2/app/manifests/v1": [{"status": 200, "headers": )"
                       R"({"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, "body": ")" +
                       body + R"("}]}})");
}

std::shared_ptr<const Client> loopback_client() {
    SystemContext access;
    access.tls_verify = false;  // plain HTTP on 127.0.0.1
    access.retry_times = 0;
    return std::make_shared<const Client>(validation_system_context(access, std::chrono::seconds(30)));
}

ValidationSettings key_settings() {
    ValidationSettings settings;
    settings.trust.key_paths = {fixture_path("keys/ecdsa-p256.pub")};
    return settings;
}

// The results array of a JSON report, parsed.
rapidjson::Document parsed(const std::string& json) {
    rapidjson::Document document;
    document.Parse(json.c_str());
    return document;
}

}  // namespace

TEST_CASE("check_line reports what run_validation reports for the same line", "[validate][validator]") {
    FakeRegistry registry;
    serve_unsigned_image(registry);
    const Validator validator(key_settings(), loopback_client());
    const std::string image = registry.host() + "/app:v1";
    const std::string missing = registry.host() + "/missing:v1";
    const std::string list = "# images\n" + image + "\n\n" + missing + "\nnot a reference!\n";

    std::ostringstream report, failed;
    ValidationRun run;
    run.jobs = 2;
    run.report = &report;
    run.failed_list = &failed;
    std::vector<std::size_t> in_order_lines;
    run.on_in_order = [&](const ImageReport& r) { in_order_lines.push_back(r.line_number); };
    std::istringstream in(list);
    const ReportSummary summary = run_validation(validator, in, run);

    CHECK(summary.images == 3);
    CHECK(summary.failed == 3);
    CHECK(summary.image_statuses.at("unsigned") == 1);
    CHECK(summary.image_statuses.at("fetch-error") == 1);
    CHECK(summary.image_statuses.at("invalid-reference") == 1);
    CHECK(in_order_lines == std::vector<std::size_t>{2, 4, 5});
    CHECK(failed.str() == image + "\n" + missing + "\nnot a reference!\n");

    const rapidjson::Document whole = parsed(report.str());
    REQUIRE(whole.IsObject());
    const auto& results = whole["results"];
    REQUIRE(results.Size() == 3);
    const std::vector<std::pair<std::string, std::size_t>> lines = {{image, 2}, {missing, 4}, {"not a reference!", 5}};
    for (rapidjson::SizeType i = 0; i < 3; ++i) {
        const ImageReport one = validator.check_line(lines[i].first, lines[i].second);
        const std::string json = image_report_json(one);
        CHECK(json.find('\n') == std::string::npos);
        const rapidjson::Document object = parsed(json);
        REQUIRE(object.IsObject());
        CHECK(object == results[i]);  // the same object, key for key and value for value
    }
    CHECK(validator.check_line(image, 2).status == CheckStatus::unsigned_image);
    CHECK(validator.check_line(missing, 4).status == CheckStatus::fetch_error);
}

TEST_CASE("check_line refuses blank and comment lines as invalid references", "[validate][validator]") {
    const Validator validator(key_settings(), loopback_client());
    for (const std::string line : {"", "   ", "# comment", "// comment"}) {
        const ImageReport report = validator.check_line(line, 7);
        CHECK(report.status == CheckStatus::invalid_reference);
        CHECK_FALSE(report.passed);
        CHECK(report.line_number == 7);
        CHECK(report.error.find("line 7") == 0);
    }
}

TEST_CASE("check_line is safe from many threads on one Validator", "[validate][validator]") {
    FakeRegistry registry;
    serve_unsigned_image(registry);
    const Validator validator(key_settings(), loopback_client());
    const std::string image = registry.host() + "/app:v1";
    constexpr int threads = 8;
    std::vector<CheckStatus> statuses(threads * 4, CheckStatus::verified);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; i < 4; ++i) statuses[t * 4 + i] = validator.check_line(image, 1).status;
        });
    for (auto& worker : workers) worker.join();
    for (CheckStatus status : statuses) CHECK(status == CheckStatus::unsigned_image);
}

TEST_CASE("a Validator refuses bad trust and overrides when it is built", "[validate][validator]") {
    ValidationSettings no_trust;
    CHECK_THROWS_AS(Validator(no_trust, loopback_client()), ConfigError);
    ValidationSettings bad_key = key_settings();
    bad_key.trust.key_paths = {fixture_path("keys/no-such-key.pub")};
    CHECK_THROWS_AS(Validator(bad_key, loopback_client()), ConfigError);
    ValidationSettings bad_registry = key_settings();
    bad_registry.overrides.registry = "bad host/";
    CHECK_THROWS_AS(Validator(bad_registry, loopback_client()), ConfigError);
}

TEST_CASE("run_validation under a shard writes the shard header and each result's index", "[validate][validator]") {
    const Validator validator(key_settings(), loopback_client());
    const std::string list = "bad ref 0\nbad ref 1\nbad ref 2\nbad ref 3\nbad ref 4\n";
    std::ostringstream report;
    ValidationRun run;
    run.shard = parse_shard("1/2");
    run.whole_list = list;
    run.report = &report;
    std::istringstream in(list);
    const ReportSummary summary = run_validation(validator, in, run);
    CHECK(summary.images == 2);
    const rapidjson::Document whole = parsed(report.str());
    REQUIRE(whole.IsObject());
    CHECK(whole["shard"]["index"].GetUint() == 1);
    CHECK(whole["shard"]["count"].GetUint() == 2);
    CHECK(whole["shard"]["listEntries"].GetUint() == 5);
    REQUIRE(whole["results"].Size() == 2);
    CHECK(whole["results"][0]["index"].GetUint() == 1);
    CHECK(whole["results"][1]["index"].GetUint() == 3);
    CHECK(whole["results"][1]["line"].GetUint() == 4);
}

TEST_CASE("run_validation stops on a cancelled client: the rest is not-checked", "[validate][validator]") {
    auto client = loopback_client();
    const Validator validator(key_settings(), client);
    client->cancel();
    std::ostringstream report, failed;
    ValidationRun run;
    run.report = &report;
    run.failed_list = &failed;
    run.interrupted_by = [] { return std::string("test-cancel"); };
    std::istringstream in("a\nb\n");
    const ReportSummary summary = run_validation(validator, in, run);
    CHECK(summary.images == 2);
    CHECK(summary.image_statuses.at("not-checked") == 2);
    CHECK(summary.interrupted_by == "test-cancel");
    CHECK(failed.str() == "a\nb\n");
    const rapidjson::Document whole = parsed(report.str());
    REQUIRE(whole.IsObject());
    CHECK_FALSE(whole["complete"].GetBool());
    CHECK(std::string(whole["interruptedBy"].GetString()) == "test-cancel");
}
