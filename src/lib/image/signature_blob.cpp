#include "image/signature_blob.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

#include "image/go_json.hpp"
#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"

namespace imgtrust::image {
namespace {

constexpr std::string_view simple_signing_format = "simple-signing";
constexpr std::string_view sigstore_format = "sigstore-json";

// The first byte of an OpenPGP message c/image recognises as an unframed
// simple signature: compressed data, one-pass signature or signature packets,
// in the old or new packet format.
bool starts_openpgp_message(unsigned char first) {
    switch (first) {
    case 0xA0: case 0xA1: case 0xA2: case 0xA3: case 0xC8:  // compressed data
    case 0x90: case 0x91: case 0x92: case 0x3d: case 0xC4:  // one-pass signature
    case 0x88: case 0x89: case 0x8A: case 0x8B: case 0xC2:  // signature
        return true;
    default:
        return false;
    }
}

SigstoreSignature parse_sigstore_json(std::string_view chunk, const std::string& where) {
    auto document = parse_json(chunk, TrailingData::reject);
    if (!document) throw FetchError(where + ": sigstore signature is not valid JSON");
    SigstoreSignature signature;
    try {
        decode_struct(*document, {
            {"mimetype", [&](const JsonValue& v) { decode_string(v, signature.untrusted_mime_type); }},
            {"payload", [&](const JsonValue& v) { decode_base64_bytes(v, signature.untrusted_payload); }},
            {"annotations", [&](const JsonValue& v) { decode_string_map(v, signature.untrusted_annotations); }},
        });
    } catch (const JsonDecodeError& error) {
        throw FetchError(where + ": invalid sigstore signature: " + error.what());
    }
    return signature;
}

std::string byte_as_hex(unsigned char byte) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%x", byte);
    return text;
}

}  // namespace

UntrustedSignature parse_signature_blob(std::string_view blob, const std::string& where) {
    if (blob.empty()) throw FetchError(where + ": empty signature blob");
    const auto first = static_cast<unsigned char>(blob.front());
    if (starts_openpgp_message(first)) return SimpleSigningSignature{std::string(blob)};
    if (first != 0x00)
        throw FetchError(where + ": unrecognized signature format, starting with binary " + byte_as_hex(first));
    const auto body = blob.substr(1);
    const auto newline = body.find('\n');
    if (newline == std::string_view::npos) throw FetchError(where + ": invalid signature format, missing newline");
    const auto format = body.substr(0, newline);
    for (unsigned char c : format)
        if (c < 32 || c >= 0x7F) throw FetchError(where + ": invalid signature format, non-ASCII byte " + byte_as_hex(c));
    const auto chunk = body.substr(newline + 1);
    if (format == simple_signing_format) return SimpleSigningSignature{std::string(chunk)};
    if (format == sigstore_format) return parse_sigstore_json(chunk, where);
    throw FetchError(where + ": unrecognized signature format \"" + std::string(format) + "\"");
}

std::string serialize_signature_blob(const UntrustedSignature& signature) {
    if (const auto* simple = std::get_if<SimpleSigningSignature>(&signature)) return simple->untrusted_blob;
    const auto& sigstore = std::get<SigstoreSignature>(signature);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("mimeType");
    writer.String(sigstore.untrusted_mime_type.data(), static_cast<rapidjson::SizeType>(sigstore.untrusted_mime_type.size()));
    writer.Key("payload");
    const std::string payload = util::base64_encode(sigstore.untrusted_payload);
    writer.String(payload.data(), static_cast<rapidjson::SizeType>(payload.size()));
    writer.Key("annotations");
    writer.StartObject();
    for (const auto& [key, value] : sigstore.untrusted_annotations) {
        writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    }
    writer.EndObject();
    writer.EndObject();
    return std::string(1, '\0') + std::string(sigstore_format) + "\n" + std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace imgtrust::image
