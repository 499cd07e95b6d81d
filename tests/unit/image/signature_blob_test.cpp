#include <catch2/catch.hpp>

#include "image/signature_blob.hpp"
#include "imgtrust/errors.hpp"

using namespace imgtrust;
using image::parse_signature_blob;

namespace {
std::string framed(const std::string& format, const std::string& body) { return std::string(1, '\0') + format + "\n" + body; }
}  // namespace

TEST_CASE("raw OpenPGP blobs are simple signatures", "[signature-blob]") {
    for (unsigned char first : {0xA3, 0xC8, 0x90, 0xC4, 0x89, 0xC2}) {
        const std::string blob = std::string(1, static_cast<char>(first)) + "rest";
        const auto signature = parse_signature_blob(blob, "sig");
        REQUIRE(std::holds_alternative<SimpleSigningSignature>(signature));
        CHECK(std::get<SimpleSigningSignature>(signature).untrusted_blob == blob);
    }
}

TEST_CASE("framed simple-signing blobs lose their frame", "[signature-blob]") {
    const auto signature = parse_signature_blob(framed("simple-signing", "\x89pgp"), "sig");
    REQUIRE(std::holds_alternative<SimpleSigningSignature>(signature));
    CHECK(std::get<SimpleSigningSignature>(signature).untrusted_blob == "\x89pgp");
}

TEST_CASE("sigstore-json blobs carry MIME type, base64 payload and annotations", "[signature-blob]") {
    const auto signature = parse_signature_blob(
        framed("sigstore-json", R"({"mimeType":"application/vnd.dev.cosign.simplesigning.v1+json","payload":"eyJhIjoxfQ==",)"
                                R"("annotations":{"dev.cosignproject.cosign/signature":"MEUC","other":"x"},"unknown":[1]})"),
        "sig");
    REQUIRE(std::holds_alternative<SigstoreSignature>(signature));
    const auto& sigstore = std::get<SigstoreSignature>(signature);
    CHECK(sigstore.untrusted_mime_type == sigstore_signature_mime_type);
    CHECK(sigstore.untrusted_payload == R"({"a":1})");
    CHECK(sigstore.untrusted_annotations.at(std::string(sigstore_signature_annotation)) == "MEUC");
    CHECK(sigstore.untrusted_annotations.size() == 2);
}

TEST_CASE("sigstore-json decoding follows Go's encoding/json", "[signature-blob]") {
    // Keys match case-insensitively; null leaves fields empty; JSON null as a whole is an empty signature.
    const auto upper = parse_signature_blob(framed("sigstore-json", R"({"MIMETYPE":"t","Payload":null})"), "sig");
    CHECK(std::get<SigstoreSignature>(upper).untrusted_mime_type == "t");
    CHECK(std::get<SigstoreSignature>(upper).untrusted_payload.empty());
    const auto null_body = parse_signature_blob(framed("sigstore-json", "null"), "sig");
    CHECK(std::get<SigstoreSignature>(null_body).untrusted_mime_type.empty());
}

TEST_CASE("corrupt signature blobs are fetch errors naming the file", "[signature-blob]") {
    CHECK_THROWS_WITH(parse_signature_blob("", "signature-1"), Catch::Contains("signature-1") && Catch::Contains("empty"));
    CHECK_THROWS_WITH(parse_signature_blob("plain text", "s"), Catch::Contains("unrecognized signature format, starting with binary 0x70"));
    CHECK_THROWS_WITH(parse_signature_blob(std::string(1, '\0') + "sigstore-json", "s"), Catch::Contains("missing newline"));
    CHECK_THROWS_WITH(parse_signature_blob(framed("sig\x01store", "{}"), "s"), Catch::Contains("non-ASCII byte 0x1"));
    CHECK_THROWS_WITH(parse_signature_blob(framed("x509", "{}"), "s"), Catch::Contains("unrecognized signature format \"x509\""));
    CHECK_THROWS_AS(parse_signature_blob(framed("sigstore-json", "{\"mimeType\":"), "s"), FetchError);
    CHECK_THROWS_AS(parse_signature_blob(framed("sigstore-json", R"({"payload":"not base64!"})"), "s"), FetchError);
    CHECK_THROWS_AS(parse_signature_blob(framed("sigstore-json", R"({"annotations":{"a":1}})"), "s"), FetchError);
    CHECK_THROWS_AS(parse_signature_blob(framed("sigstore-json", R"({"mimeType":7})"), "s"), FetchError);
    CHECK_THROWS_AS(parse_signature_blob(framed("sigstore-json", R"([])"), "s"), FetchError);
    CHECK_THROWS_AS(parse_signature_blob(framed("sigstore-json", R"({} {})"), "s"), FetchError);
}

TEST_CASE("serialize_signature_blob round-trips", "[signature-blob]") {
    const SigstoreSignature original{"application/vnd.dev.cosign.simplesigning.v1+json", std::string("pay\0load", 8),
                                     {{"dev.cosignproject.cosign/signature", "MEQ="}}};
    const auto parsed = parse_signature_blob(image::serialize_signature_blob(original), "s");
    const auto& sigstore = std::get<SigstoreSignature>(parsed);
    CHECK(sigstore.untrusted_mime_type == original.untrusted_mime_type);
    CHECK(sigstore.untrusted_payload == original.untrusted_payload);
    CHECK(sigstore.untrusted_annotations == original.untrusted_annotations);
    const SimpleSigningSignature simple{"\x89raw"};
    CHECK(image::serialize_signature_blob(simple) == "\x89raw");
}
