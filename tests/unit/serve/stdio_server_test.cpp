// StdioServer (include/imgtrust/serve.hpp): one request line → one response
// line, ids echoed, every malformed request answered with a "usage" error and
// evaluation problems with the verify JSON error kinds. Signed content from
// tests/fixtures/images (cosign_fixture.py), never written by imgtrust.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "imgtrust/preloaded.hpp"
#include "imgtrust/serve.hpp"
#include "imgtrust/verify_json.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

using namespace imgtrust;

namespace {

constexpr const char* identity = "docker://registry.example.com/app:v1";

std::shared_ptr<const PolicyContext> sigstore_context() {
    const std::string json = R"({"default": [{"type": "sigstoreSigned", "keyPath": ")" + fixture_path("keys/ecdsa-p256.pub") + "\"}]}";
    return std::make_shared<const PolicyContext>(parse_policy(json, "serve test policy"));
}

std::string b64_fixture(const std::string& relative) { return util::base64_encode(read_fixture(relative)); }

std::string preloaded_line(const std::string& id_json, const std::string& manifest_b64) {
    return R"({"id": )" + id_json + R"(, "method": "verify-preloaded", "identity": ")" + identity + R"(", "manifest": ")" +
           manifest_b64 + R"(", "signatures": [")" + b64_fixture("images/sigstore-ecdsa-p256-app-v1/signature-1") + "\"]}";
}

struct Parsed {
    rapidjson::Document document;
    std::string id;  // the id as JSON
};

Parsed parse_response(const std::string& line) {
    Parsed parsed;
    REQUIRE(line.find('\n') == std::string::npos);
    REQUIRE_FALSE(util::parse_untrusted_json(line, parsed.document));
    REQUIRE(parsed.document.IsObject());
    REQUIRE(parsed.document.HasMember("id"));
    parsed.id = util::write_json(parsed.document["id"]);
    return parsed;
}

// The error kind and message of an error response (REQUIREs that it is one).
std::pair<std::string, std::string> error_of(const Parsed& parsed) {
    REQUIRE(parsed.document.HasMember("error"));
    REQUIRE_FALSE(parsed.document.HasMember("result"));
    const auto& error = parsed.document["error"];
    return {error["kind"].GetString(), error["message"].GetString()};
}

}  // namespace

TEST_CASE("verify-preloaded answers with the verify JSON image object, id echoed") {
    StdioServer server(sigstore_context());
    const std::string manifest = b64_fixture("images/sigstore-ecdsa-p256-app-v1/manifest.json");
    Parsed accepted = parse_response(server.handle_request(preloaded_line("\"req-1\"", manifest)));
    CHECK(accepted.id == "\"req-1\"");
    REQUIRE(accepted.document.HasMember("result"));
    CHECK(accepted.document["result"]["allowed"].GetBool());
    CHECK(std::string(accepted.document["result"]["image"].GetString()) == identity);

    // The same bytes as image_result_json of the library call.
    ManifestBlob blob{read_fixture("images/sigstore-ecdsa-p256-app-v1/manifest.json"), {}};
    auto context = sigstore_context();
    ImageResult direct{identity, evaluate_preloaded(*context, identity, blob,
                                                   {parse_signature_file(read_fixture("images/sigstore-ecdsa-p256-app-v1/signature-1"))}),
                       {}, {}};
    CHECK(server.handle_request(preloaded_line("7", manifest)) == "{\"id\":7,\"result\":" + image_result_json(direct) + "}");

    // A changed manifest is a verdict (allowed false), not an error.
    Parsed tampered = parse_response(server.handle_request(preloaded_line("true", util::base64_encode(blob.bytes + " "))));
    CHECK(tampered.id == "true");
    CHECK_FALSE(tampered.document["result"]["allowed"].GetBool());
}

TEST_CASE("malformed requests are usage errors, and the id is echoed when it could be read") {
    StdioServer server(sigstore_context());
    const std::vector<std::tuple<std::string, std::string, std::string>> cases{
        {"not json", "null", "not one JSON value"},
        {"[1]", "null", "not a JSON object"},
        {R"({"id": [1], "method": "shutdown"})", "null", "\"id\" must be"},
        {R"({"id": 1})", "1", "\"method\" (a string) is required"},
        {R"({"id": 2, "method": "launch"})", "2", "unknown method \"launch\""},
        {R"({"id": 3, "method": "verify", "image": "dir:/x", "extra": 1})", "3", "unknown member \"extra\""},
        {R"({"id": 4, "method": "verify", "image": "dir:/x", "image": "dir:/y"})", "4", "appears twice"},
        {R"({"id": 5, "method": "verify"})", "5", "\"image\" is required"},
        {R"({"id": 6, "method": "verify", "image": 1})", "6", "\"image\" must be a string"},
        {R"({"id": 7, "method": "verify-preloaded", "identity": "docker://a/b:c", "manifest": "%%"})", "7", "base64"},
        {R"({"id": 8, "method": "verify-preloaded", "identity": "a/b:c", "manifest": "e30="})", "8", "docker://"},
        {R"({"id": 9, "method": "verify-preloaded", "identity": "docker://a/b:c", "manifest": "e30=", "signatures": ["Z2FyYmFnZQ=="]})",
         "9", "\"signatures\"[0]: signature file"},
        {R"({"id": 10, "method": "verify-preloaded", "identity": "docker://a/b:c", "manifest": "e30=", "signatures": "x"})", "10",
         "must be an array"},
        {R"({"id": null, "method": "validate", "line": "a/b:c"})", "null", "not available"},
    };
    for (const auto& [line, id, message] : cases) {
        INFO(line);
        Parsed parsed = parse_response(server.handle_request(line));
        CHECK(parsed.id == id);
        auto [kind, text] = error_of(parsed);
        CHECK(kind == "usage");
        CHECK_THAT(text, Catch::Contains(message));
    }
}

TEST_CASE("evaluation problems carry the verify JSON error kinds; shutdown and oversized lines") {
    StdioServer server(sigstore_context());
    CHECK(error_of(parse_response(server.handle_request(R"({"id": 1, "method": "verify", "image": "dir:/nonexistent-imgtrust"})")))
              .first == "not-found");
    CHECK(error_of(parse_response(server.handle_request(R"({"id": 2, "method": "verify", "image": "docker://Bad//Ref"})"))).first ==
          "config");
    ServeResponse shutdown = server.handle(R"({"id": "s", "method": "shutdown"})");
    CHECK(shutdown.shutdown);
    CHECK(shutdown.line == R"({"id":"s","result":{"shutdown":true}})");
    CHECK_FALSE(server.handle(R"({"id": 3, "method": "verify", "image": "dir:/x"})").shutdown);
    const std::string oversized(max_serve_request_bytes + 1, ' ');
    CHECK(server.handle_request(oversized) == StdioServer::oversized_request_response());
    CHECK(error_of(parse_response(StdioServer::oversized_request_response())).first == "usage");
}
