// The strict payload parser alone (the crypto is covered with signed fixtures elsewhere).
#include <catch2/catch.hpp>

#include "signature/payload_json.hpp"
#include "signature/rejection.hpp"

using imgtrust::signature::OptionalSection;
using imgtrust::signature::parse_untrusted_payload;
using imgtrust::signature::SignatureRejected;
using imgtrust::signature::simple_signing_type;
using imgtrust::signature::sigstore_signature_type;

namespace {

const std::string digest = "sha256:" + std::string(64, 'a');

std::string critical(const std::string& type = "atomic container signature") {
    return R"({"type":")" + type + R"(","image":{"docker-manifest-digest":")" + digest +
           R"("},"identity":{"docker-reference":"example.com/a:b"}})";
}

std::string parse_error(const std::string& json, OptionalSection section = OptionalSection::must_be_object) {
    try {
        parse_untrusted_payload(json, simple_signing_type, section);
    } catch (const SignatureRejected& rejected) {
        return rejected.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("a complete simple signing payload is parsed") {
    auto content = parse_untrusted_payload(R"({"critical":)" + critical() + R"(,"optional":{"creator":"me","timestamp":1700000000}})",
                                           simple_signing_type, OptionalSection::must_be_object);
    CHECK(content.untrusted_docker_manifest_digest == digest);
    CHECK(content.untrusted_docker_reference == "example.com/a:b");
    CHECK(content.untrusted_creator == std::optional<std::string>("me"));
    CHECK(content.untrusted_timestamp == std::optional<std::int64_t>(1700000000));
}

TEST_CASE("keys are compared after JSON unescaping, and key order does not matter") {
    std::string json = R"({"optional":{},"crit\u0069cal":)" + critical() + "}";
    CHECK(parse_error(json) == "(accepted)");
}

TEST_CASE("optional: null is cosign's form only") {
    std::string json = R"({"critical":)" + critical(std::string(sigstore_signature_type)) + R"(,"optional":null})";
    CHECK_NOTHROW(parse_untrusted_payload(json, sigstore_signature_type, OptionalSection::object_or_null));
    CHECK(parse_error(R"({"critical":)" + critical() + R"(,"optional":null})") == "JSON object expected, got <nil>");
}

TEST_CASE("JSON null leaves a Go string empty instead of failing") {
    std::string json = R"({"critical":{"type":"atomic container signature","image":{"docker-manifest-digest":")" + digest +
                       R"("},"identity":{"docker-reference":null}},"optional":{"creator":null,"timestamp":null}})";
    auto content = parse_untrusted_payload(json, simple_signing_type, OptionalSection::must_be_object);
    CHECK(content.untrusted_docker_reference.empty());
    CHECK(content.untrusted_creator == std::optional<std::string>(""));
    CHECK(content.untrusted_timestamp == std::optional<std::int64_t>(0));
    CHECK(parse_error(R"({"critical":{"type":null,"image":{},"identity":{}},"optional":{}})") == "Unrecognized signature type ");
}

TEST_CASE("errors come in the order Go's decoder meets them") {
    // "type" has the wrong JSON type before the unknown key is reached.
    CHECK(parse_error(R"({"critical":{"type":1,"extra":1},"optional":{}})") ==
          "json: cannot unmarshal number into Go value of type string");
    CHECK(parse_error(R"({"critical":{"extra":1,"type":1},"optional":{}})") == "Unknown key \"extra\"");
    // "optional" is read before "critical".
    CHECK(parse_error(R"({"critical":{},"optional":{"timestamp":0.5}})") == "Field optional.timestamp is not an integer");
    // The type is checked before the digest, the digest before the identity.
    CHECK(parse_error(R"({"critical":{"type":"x","image":{},"identity":{}},"optional":{}})") == "Unrecognized signature type x");
    CHECK(parse_error(R"({"critical":{"type":"atomic container signature","image":{"docker-manifest-digest":"sha256:0"},"identity":{}},"optional":{}})") ==
          "invalid docker-manifest-digest value \"sha256:0\": invalid checksum digest length");
}

TEST_CASE("values of unknown optional keys may be anything, including duplicate keys inside them") {
    CHECK(parse_error(R"({"critical":)" + critical() + R"(,"optional":{"x":{"a":1,"a":2},"y":[null,true,"s"]}})") ==
          "(accepted)");
}

TEST_CASE("timestamps must be integral float64 values") {
    auto timestamp_error = [](const std::string& value) {
        return parse_error(R"({"critical":)" + critical() + R"(,"optional":{"timestamp":)" + value + "}}");
    };
    CHECK(timestamp_error("1.0") == "(accepted)");
    CHECK(timestamp_error("-5") == "(accepted)");
    CHECK(timestamp_error("1e3") == "(accepted)");
    CHECK(timestamp_error("1e30") == "Field optional.timestamp is not an integer");
    CHECK(timestamp_error("true") == "json: cannot unmarshal bool into Go value of type float64");
}

TEST_CASE("syntax errors, trailing data and non-objects reject") {
    CHECK_THAT(parse_error(""), Catch::StartsWith("invalid JSON"));
    CHECK_THAT(parse_error(R"({"critical":)" + critical() + R"(,"optional":{}} x)"), Catch::StartsWith("invalid JSON"));
    CHECK(parse_error(R"({"critical":)" + critical() + ",\"optional\":{}}\n") == "(accepted)");
    CHECK(parse_error(R"("text")") == "JSON object expected, got \"text\"");
    CHECK(parse_error("42") == "JSON object expected, got 42");
    // Beyond util::max_json_depth the gateway stops before any object check (no recursion).
    CHECK(parse_error(std::string(100000, '[') + std::string(100000, ']')) ==
          "invalid JSON: nested more than 512 levels deep (at byte 512)");
    CHECK(parse_error(std::string(1000000, '[') + std::string(1000000, ']')) ==
          "invalid JSON: nested more than 512 levels deep (at byte 512)");
    // RapidJSON's full-precision number parser is undefined behaviour on these; the gateway converts them itself.
    CHECK(parse_error("0e86") == "JSON object expected, got 0");
    CHECK(parse_error(R"({"critical":)" + critical() + R"(,"optional":{"n":0E43}})") == "(accepted)");
}
