#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "imgtrust/errors.hpp"
#include "validate/report_writer.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

namespace {

ReportHeader header() { return {"in-memory policy: test", {"amd64", "arm64"}, {"linux"}, true, "", "proj", std::nullopt}; }

ImageReport multi_arch_report() {
    ImageReport report;
    report.line_number = 4;
    report.input_line = "  reg.example/app:v1";
    report.reference = "docker://reg.example/app:v1";
    ManifestCheck index;
    index.kind = ManifestCheck::Kind::index;
    index.digest = "sha256:1111";
    index.media_type = "application/vnd.oci.image.index.v1+json";
    index.status = CheckStatus::verified;
    index.signer.signed_identity = "reg.example/app:v1";
    index.signer.key_fingerprint = "SHA256:ff";
    ManifestCheck arm;
    arm.kind = ManifestCheck::Kind::platform;
    arm.has_platform = true;
    arm.platform = {"linux", "arm64", "v8"};
    arm.digest = "sha256:2222";
    arm.status = CheckStatus::unsigned_image;
    arm.reasons = {"A signature was required, but no signature exists", "quote \" comma, newline\nend"};
    report.manifests = {index, arm};
    finish_image_report(report);
    return report;
}

ImageReport invalid_line_report() {
    ImageReport report;
    report.line_number = 7;
    report.input_line = "Bad\xff/Ref";
    report.status = CheckStatus::invalid_reference;
    report.error = "line 7: invalid image reference";
    return report;
}

std::string render(const std::string& format, const std::vector<ImageReport>& reports) {
    std::ostringstream out;
    auto writer = make_report_writer(format, out);
    ReportSummary summary;
    writer->begin(header());
    for (const auto& report : reports) {
        summary.add(report);
        writer->write(report);
    }
    writer->end(summary);
    return out.str();
}

}  // namespace

TEST_CASE("json report: documented fields, valid JSON, invalid UTF-8 replaced") {
    std::string text = render("json", {multi_arch_report(), invalid_line_report()});
    rapidjson::Document document;
    document.Parse(text.c_str());
    REQUIRE_FALSE(document.HasParseError());
    CHECK(document["schemaVersion"].GetInt() == 1);
    CHECK(std::string(document["overrides"]["project"].GetString()) == "proj");
    const auto& results = document["results"];
    REQUIRE(results.Size() == 2);
    CHECK(results[0]["line"].GetInt() == 4);
    CHECK(std::string(results[0]["input"].GetString()) == "  reg.example/app:v1");
    CHECK_FALSE(results[0]["passed"].GetBool());
    CHECK(std::string(results[0]["status"].GetString()) == "unsigned");
    const auto& manifests = results[0]["manifests"];
    REQUIRE(manifests.Size() == 2);
    CHECK(manifests[0]["platform"].IsNull());
    CHECK(std::string(manifests[0]["keyFingerprint"].GetString()) == "SHA256:ff");
    CHECK(std::string(manifests[1]["platform"]["variant"].GetString()) == "v8");
    CHECK(std::string(manifests[1]["reasons"][1].GetString()) == "quote \" comma, newline\nend");
    CHECK(std::string(results[1]["input"].GetString()) == "Bad\xEF\xBF\xBD/Ref");
    CHECK(results[1]["manifests"].Size() == 0);
    CHECK(document["summary"]["failed"].GetInt() == 2);
    CHECK(document["summary"]["manifestStatuses"]["unsigned"].GetInt() == 1);
    CHECK(document["summary"]["imageStatuses"]["invalid-reference"].GetInt() == 1);
}

TEST_CASE("json report: an empty list is still a valid document") {
    rapidjson::Document document;
    document.Parse(render("json", {}).c_str());
    REQUIRE_FALSE(document.HasParseError());
    CHECK(document["results"].Size() == 0);
    CHECK(document["summary"]["images"].GetInt() == 0);
}

TEST_CASE("yaml report: the same document") {
    YAML::Node document = YAML::Load(render("yaml", {multi_arch_report(), invalid_line_report()}));
    CHECK(document["schemaVersion"].as<int>() == 1);
    REQUIRE(document["results"].size() == 2);
    CHECK(document["results"][0]["input"].as<std::string>() == "  reg.example/app:v1");
    CHECK(document["results"][0]["manifests"][1]["platform"]["architecture"].as<std::string>() == "arm64");
    CHECK(document["results"][0]["manifests"][1]["reasons"][1].as<std::string>() == "quote \" comma, newline\nend");
    CHECK(document["results"][1]["manifests"].size() == 0);
    CHECK(document["summary"]["failed"].as<int>() == 2);
    YAML::Node empty = YAML::Load(render("yaml", {}));
    CHECK(empty["results"].size() == 0);
}

TEST_CASE("csv report: one row per manifest, RFC 4180 quoting") {
    std::string text = render("csv", {multi_arch_report(), invalid_line_report()});
    std::istringstream lines(text);
    std::string line;
    std::vector<std::string> rows;
    while (std::getline(lines, line)) rows.push_back(line);
    REQUIRE(rows.size() == 5);  // header, 2 manifests (one reason has an embedded newline → 2 physical lines), 1 invalid line
    CHECK(rows[0] == "line,input,reference,passed,image_status,error,kind,digest,media_type,platform,status,signed_identity,key_fingerprint,reasons,"
                     "certificate_subject,certificate_issuer,certificate_sans,certificate_oidc_issuer,"
                     // appended by issue 15 (keyless CI identities); never reordered
                     "certificate_matched_san,github_workflow_trigger,github_workflow_sha,github_workflow_name,"
                     "github_workflow_repository,github_workflow_ref,build_signer_uri,runner_environment,source_repository_uri,"
                     // appended by issue 14 (Sigstore bundles)
                     "signature_format,found_in,signing_times\r");
    CHECK(rows[1].rfind("4,  reg.example/app:v1,docker://reg.example/app:v1,false,unsigned,,index,sha256:1111,", 0) == 0);
    CHECK(rows[2].find(",platform,sha256:2222,,linux/arm64/v8,unsigned,,,\"A signature was required, but no signature exists | quote \"\" comma, newline") != std::string::npos);
    CHECK(rows[3] == "end\",,,,,,,,,,,,,,,,\r");
    CHECK(rows[4] == "7,Bad\xff/Ref,,false,invalid-reference,line 7: invalid image reference,,,,,,,,,,,,,,,,,,,,,,,,\r");
}

namespace {

ImageReport keyless_report() {
    ImageReport report;
    report.line_number = 1;
    report.input_line = "reg.example/app:v1";
    report.reference = "docker://reg.example/app:v1";
    ManifestCheck check;
    check.digest = "sha256:3333";
    check.status = CheckStatus::verified;
    check.signer.signed_identity = "reg.example/app:v1";
    check.signer.key_fingerprint = "SHA256:ee";
    check.signer.certificate_subject = "";
    check.signer.certificate_issuer = "CN=test fulcio intermediate,O=imgtrust tests";
    check.signer.certificate_sans = {"email:signer@example.com", "URI:https://ci.example.com/job"};
    check.signer.certificate_oidc_issuer = "https://oidc.example.com";
    report.manifests = {check};
    finish_image_report(report);
    return report;
}

}  // namespace

TEST_CASE("reports: the accepted certificate's subject, issuer, SANs and OIDC issuer") {
    rapidjson::Document document;
    document.Parse(render("json", {keyless_report()}).c_str());
    REQUIRE_FALSE(document.HasParseError());
    const auto& manifest = document["results"][0]["manifests"][0];
    CHECK(std::string(manifest["certificateSubject"].GetString()).empty());
    CHECK(std::string(manifest["certificateIssuer"].GetString()) == "CN=test fulcio intermediate,O=imgtrust tests");
    REQUIRE(manifest["certificateSans"].Size() == 2);
    CHECK(std::string(manifest["certificateSans"][0].GetString()) == "email:signer@example.com");
    CHECK(std::string(manifest["certificateOidcIssuer"].GetString()) == "https://oidc.example.com");

    YAML::Node yaml = YAML::Load(render("yaml", {keyless_report()}));
    const auto yaml_manifest = yaml["results"][0]["manifests"][0];
    CHECK(yaml_manifest["certificateIssuer"].as<std::string>() == "CN=test fulcio intermediate,O=imgtrust tests");
    CHECK(yaml_manifest["certificateSans"][1].as<std::string>() == "URI:https://ci.example.com/job");
    CHECK(yaml_manifest["certificateOidcIssuer"].as<std::string>() == "https://oidc.example.com");

    std::string csv = render("csv", {keyless_report()});
    CHECK(csv.find(",,\"CN=test fulcio intermediate,O=imgtrust tests\",email:signer@example.com | "
                   "URI:https://ci.example.com/job,https://oidc.example.com,,,,,,,,,,,,\r\n") != std::string::npos);
}

TEST_CASE("reports: the matched SAN and the Fulcio workflow extensions (hangar's githubWorkflow* fields)") {
    ImageReport report = keyless_report();
    auto& signer = report.manifests[0].signer;
    signer.certificate_matched_san = "URI:https://ci.example.com/job";
    signer.certificate_extensions = {{"githubWorkflowTrigger", "1.3.6.1.4.1.57264.1.2", "push"},
                                     {"githubWorkflowRepository", "1.3.6.1.4.1.57264.1.5", "o/r"},
                                     {"githubWorkflowRef", "1.3.6.1.4.1.57264.1.6", "refs/heads/main"},
                                     {"buildSignerURI", "1.3.6.1.4.1.57264.1.9", "https://ci.example.com/job"},
                                     {"runnerEnvironment", "1.3.6.1.4.1.57264.1.11", "github-hosted"}};
    rapidjson::Document document;
    document.Parse(render("json", {report}).c_str());
    REQUIRE_FALSE(document.HasParseError());
    const auto& manifest = document["results"][0]["manifests"][0];
    CHECK(std::string(manifest["certificateMatchedSan"].GetString()) == "URI:https://ci.example.com/job");
    CHECK(std::string(manifest["githubWorkflowRepository"].GetString()) == "o/r");
    CHECK(std::string(manifest["githubWorkflowSha"].GetString()).empty());
    CHECK(std::string(manifest["buildSignerURI"].GetString()) == "https://ci.example.com/job");
    CHECK(std::string(manifest["runnerEnvironment"].GetString()) == "github-hosted");
    YAML::Node yaml = YAML::Load(render("yaml", {report}));
    CHECK(yaml["results"][0]["manifests"][0]["githubWorkflowRef"].as<std::string>() == "refs/heads/main");
    CHECK(yaml["results"][0]["manifests"][0]["certificateMatchedSan"].as<std::string>() == "URI:https://ci.example.com/job");
    std::string csv = render("csv", {report});
    CHECK(csv.find(",https://oidc.example.com,URI:https://ci.example.com/job,push,,,o/r,refs/heads/main,https://ci.example.com/job,"
                   "github-hosted,,,,\r\n") != std::string::npos);
}

TEST_CASE("reports: a bundle signature's format, where it was found and its verified signing times") {
    ImageReport report = keyless_report();
    auto& signer = report.manifests[0].signer;
    signer.signature_format = "sigstore-bundle";
    signer.found_in = "referrers-tag";
    signer.signing_times = {{"SET", 1767225600, "https://rekor.example"}, {"TSA", 1767225601, "CN=tsa, \"test\""}};
    rapidjson::Document document;
    document.Parse(render("json", {report}).c_str());
    REQUIRE_FALSE(document.HasParseError());
    const auto& manifest = document["results"][0]["manifests"][0];
    CHECK(std::string(manifest["signatureFormat"].GetString()) == "sigstore-bundle");
    CHECK(std::string(manifest["foundIn"].GetString()) == "referrers-tag");
    REQUIRE(manifest["signingTimes"].Size() == 2);
    CHECK(std::string(manifest["signingTimes"][0]["source"].GetString()) == "SET");
    CHECK(manifest["signingTimes"][0]["time"].GetInt64() == 1767225600);
    CHECK(std::string(manifest["signingTimes"][0]["authority"].GetString()) == "https://rekor.example");
    CHECK(std::string(manifest["signingTimes"][1]["authority"].GetString()) == "CN=tsa, \"test\"");

    YAML::Node yaml = YAML::Load(render("yaml", {report}))["results"][0]["manifests"][0];
    CHECK(yaml["signatureFormat"].as<std::string>() == "sigstore-bundle");
    CHECK(yaml["foundIn"].as<std::string>() == "referrers-tag");
    REQUIRE(yaml["signingTimes"].size() == 2);
    CHECK(yaml["signingTimes"][1]["source"].as<std::string>() == "TSA");
    CHECK(yaml["signingTimes"][1]["time"].as<std::int64_t>() == 1767225601);
    CHECK(yaml["signingTimes"][1]["authority"].as<std::string>() == "CN=tsa, \"test\"");

    // The three appended columns close the row; the times are joined like the reasons.
    CHECK(render("csv", {report}).find(",sigstore-bundle,referrers-tag,"
                                       "\"SET 1767225600 https://rekor.example | TSA 1767225601 CN=tsa, \"\"test\"\"\"\r\n") !=
          std::string::npos);

    // A manifest with no accepted signature has them empty, not absent.
    document.Parse(render("json", {multi_arch_report()}).c_str());
    const auto& unsigned_manifest = document["results"][0]["manifests"][1];
    CHECK(std::string(unsigned_manifest["signatureFormat"].GetString()).empty());
    CHECK(std::string(unsigned_manifest["foundIn"].GetString()).empty());
    CHECK(unsigned_manifest["signingTimes"].Size() == 0);
}

TEST_CASE("report formats: unknown is a configuration error") {
    std::ostringstream out;
    CHECK_THROWS_AS(make_report_writer("xml", out), ConfigError);
    CHECK(json_quote("a\tb\x01") == "\"a\\tb\\u0001\"");
}

TEST_CASE("report formats: odd characters in a list line read back the same from JSON and YAML") {
    ImageReport odd = invalid_line_report();
    odd.input_line = std::string("ctl \x01\x7f\b\f\r\t\n\"\\ caf\xc3\xa9 bad\xff end \xe2\x80\xa8 \xef\xbb\xbf \xc2\x85.");
    const std::string expected = "ctl \x01\x7f\b\f\r\t\n\"\\ caf\xc3\xa9 bad\xef\xbf\xbd end \xe2\x80\xa8 \xef\xbb\xbf \xc2\x85.";

    rapidjson::Document json;
    json.Parse(render("json", {odd}).c_str());
    REQUIRE_FALSE(json.HasParseError());
    CHECK(json["results"][0]["input"].GetString() == expected);

    const std::string yaml_text = render("yaml", {odd});
    CHECK(yaml_text.find('\x7f') == std::string::npos);           // YAML forbids a raw DEL
    CHECK(yaml_text.find("\xe2\x80\xa8") == std::string::npos);  // and folds a raw U+2028
    CHECK(YAML::Load(yaml_text)["results"][0]["input"].as<std::string>() == expected);
}
