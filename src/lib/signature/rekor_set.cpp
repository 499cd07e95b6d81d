// c/image's VerifyRekorSET, step by step: strict parse of the SET, RFC 8785
// canonical form of its Payload, ECDSA check with any configured Rekor key,
// strict parse of the verified canonical Payload, then the hashedrekord body
// decoded the way Go's encoding/json decodes it (lenient field-name case,
// last duplicate wins) and matched against this signature, key and payload.
#include "signature/rekor_set.hpp"

#include <rapidjson/document.h>

#include <functional>
#include <optional>
#include <set>

#include "signature/canonical_json.hpp"
#include "signature/certificate.hpp"
#include "signature/go_compat.hpp"
#include "signature/rejection.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::signature {
namespace {

using JsonValue = rapidjson::Value;

[[noreturn]] void reject(const std::string& reason) { throw SignatureRejected(reason); }
// The SET is well formed but does not make this signature trusted.
[[noreturn]] void reject_untrusted(const std::string& reason) { throw SignatureRejected(RejectionKind::untrusted_signer, reason); }


std::string text_of(const JsonValue& value) { return std::string(value.GetString(), value.GetStringLength()); }

void parse_json(rapidjson::Document& document, std::string_view text, const std::string& what) {
    util::JsonOptions options;
    options.limits.max_bytes = text.size();  // the SET arrives inside a bounded signature
    if (auto error = util::parse_untrusted_json(text, document, options))
        reject(what + ": invalid JSON at offset " + std::to_string(error->offset) + " (" + error->message + ")");
}

// ParanoidUnmarshalJSONObjectExactFields: exactly these keys, each once.
void paranoid_exact_object(const JsonValue& value, std::initializer_list<std::string_view> fields,
                           const std::function<void(const std::string&, const JsonValue&)>& on_member) {
    if (!value.IsObject()) reject(std::string("JSON object expected, got a JSON ") + go_json_kind(value));
    std::set<std::string> seen;
    for (auto member = value.MemberBegin(); member != value.MemberEnd(); ++member) {
        std::string key = text_of(member->name);
        if (!seen.insert(key).second) reject("Duplicate key \"" + key + "\"");
        if (std::find(fields.begin(), fields.end(), key) == fields.end()) reject("Unknown key \"" + key + "\"");
        on_member(key, member->value);
    }
    for (std::string_view field : fields)
        if (!seen.count(std::string(field))) reject("Key \"" + std::string(field) + "\" missing in a JSON object");
}

// Go decoding into []byte: a base64 string, an array of bytes, or null (nil).
std::string go_bytes(const JsonValue& value, const std::string& field) {
    if (value.IsNull()) return {};
    if (value.IsArray()) {
        std::string bytes;
        for (const auto& element : value.GetArray()) {
            if (!element.IsUint() || element.GetUint() > 255) reject("json: cannot unmarshal into Go struct field " + field + " of type uint8");
            bytes += static_cast<char>(element.GetUint());
        }
        return bytes;
    }
    if (!value.IsString()) reject(std::string("json: cannot unmarshal ") + go_json_kind(value) + " into Go struct field " + field + " of type []uint8");
    std::string error;
    auto decoded = go_base64_std_decode(std::string_view(value.GetString(), value.GetStringLength()), error);
    if (!decoded) reject(error);
    return *decoded;
}

// Go decoding into *string: null leaves it absent.
std::optional<std::string> go_optional_string(const JsonValue* value, const std::string& field) {
    if (!value || value->IsNull()) return std::nullopt;
    if (!value->IsString()) reject(std::string("json: cannot unmarshal ") + go_json_kind(*value) + " into Go struct field " + field + " of type string");
    return text_of(*value);
}

// Go's encoding/json matches keys to field names case-insensitively (with
// Unicode simple folding: U+212A KELVIN SIGN is "k", U+017F LONG S is "s");
// of several matching keys the last one wins.
std::string go_fold(std::string key) {
    for (auto [from, to] : {std::pair<std::string_view, char>{"\xE2\x84\xAA", 'k'}, {"\xC5\xBF", 's'}}) {
        for (std::size_t at; (at = key.find(from)) != std::string::npos;) key.replace(at, from.size(), 1, to);
    }
    for (char& c : key)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return key;
}

const JsonValue* go_field(const JsonValue& object, std::string_view name) {
    const JsonValue* found = nullptr;
    std::string wanted = go_fold(std::string(name));
    for (auto member = object.MemberBegin(); member != object.MemberEnd(); ++member)
        if (go_fold(text_of(member->name)) == wanted) found = &member->value;
    return found;
}

// A Go pointer-to-struct field: absent or null is nil; other non-objects fail.
const JsonValue* go_struct_field(const JsonValue& object, std::string_view name, const std::string& go_type) {
    const JsonValue* value = go_field(object, name);
    if (!value || value->IsNull()) return nullptr;
    if (!value->IsObject()) reject(std::string("json: cannot unmarshal ") + go_json_kind(*value) + " into Go value of type " + go_type);
    return value;
}

struct HashedRekordClaims {
    std::string signature;           // spec.signature.content
    std::string public_key_content;  // spec.signature.publicKey.content (PEM)
    std::optional<std::string> hash_algorithm;
    std::optional<std::string> hash_value;
    bool has_data = false, has_hash = false;
};

// The hashedrekord body; errors as c/image words them.
HashedRekordClaims parse_hashedrekord(std::string_view body) {
    rapidjson::Document document;
    parse_json(document, body, "decoding the body of a Rekor SET payload");
    if (!document.IsObject()) reject(std::string("decoding the body of a Rekor SET payload: json: cannot unmarshal ") + go_json_kind(document) + " into Go value");
    auto kind = go_optional_string(go_field(document, "kind"), "kind");
    if (kind.value_or("") != "hashedrekord")
        reject("decoding the body of a Rekor SET payload: invalid kind value: \"" + kind.value_or("") + "\"");
    auto api_version = go_optional_string(go_field(document, "apiVersion"), "apiVersion");
    if (!api_version) reject("missing Rekor SET Payload API version");
    if (*api_version != "0.0.1") reject("unsupported Rekor SET Payload hashedrekord version \"" + *api_version + "\"");
    const JsonValue* spec = go_field(document, "spec");
    if (!spec) reject("decoding hashedrekod spec: unexpected end of JSON input");
    if (!spec->IsNull() && !spec->IsObject()) reject(std::string("decoding hashedrekod spec: json: cannot unmarshal ") + go_json_kind(*spec) + " into Go value");
    HashedRekordClaims claims;
    const JsonValue* data = spec->IsObject() ? go_struct_field(*spec, "data", "RekorHashedrekordV001SchemaData") : nullptr;
    const JsonValue* signature = spec->IsObject() ? go_struct_field(*spec, "signature", "RekorHashedrekordV001SchemaSignature") : nullptr;
    const JsonValue* hash = data ? go_struct_field(*data, "hash", "RekorHashedrekordV001SchemaDataHash") : nullptr;
    const JsonValue* public_key = signature ? go_struct_field(*signature, "publicKey", "RekorHashedrekordV001SchemaSignaturePublicKey") : nullptr;
    if (hash) {
        claims.hash_algorithm = go_optional_string(go_field(*hash, "algorithm"), "spec.data.hash.algorithm");
        claims.hash_value = go_optional_string(go_field(*hash, "value"), "spec.data.hash.value");
    }
    if (signature) {
        if (const JsonValue* content = go_field(*signature, "content")) claims.signature = go_bytes(*content, "spec.signature.content");
    }
    if (public_key) {
        if (const JsonValue* content = go_field(*public_key, "content"))
            claims.public_key_content = go_bytes(*content, "spec.signature.publicKey.content");
    }
    claims.has_data = data != nullptr;
    claims.has_hash = hash != nullptr;
    if (!signature) reject("Missing \"signature\" field in hashedrekord");
    if (!public_key) reject("Missing \"signature.publicKey\" field in hashedrekord");
    return claims;
}

// The one PEM block of `pem`, with nothing after it.
std::string single_pem_block(std::string_view pem, const std::string& what) {
    std::string_view rest;
    auto block = go_pem_decode(pem, rest);
    if (!block) reject(what + " is not in PEM format");
    if (!rest.empty()) reject(what + " has trailing data");
    return block->bytes;
}

std::optional<std::string> go_hex_decode(const std::string& text) {
    if (text.size() % 2) return std::nullopt;
    std::string bytes;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        auto nibble = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
        int high = nibble(text[i]), low = nibble(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes += static_cast<char>(high * 16 + low);
    }
    return bytes;
}

void match_claims(const HashedRekordClaims& claims, std::string_view key_or_certificate_pem, std::string_view base64_signature,
                  std::string_view payload) {
    std::string logged_key = single_pem_block(claims.public_key_content, "publicKey in Rekor SET");
    std::string our_key = single_pem_block(key_or_certificate_pem, "public key or cert to be matched against publicKey in Rekor SET");
    if (logged_key != our_key) reject_untrusted("publicKey in Rekor SET does not match: the SET logs another key or certificate than this signature's");
    std::string error;
    auto signature = go_base64_std_decode(base64_signature, error);
    if (!signature) reject("decoding signature base64: " + error);
    if (claims.signature != *signature) reject_untrusted("signature in Rekor SET does not match: the SET logs another signature than this one");
    if (!claims.has_data) reject("Missing \"data\" field in hashedrekord");
    if (!claims.has_hash) reject("Missing \"data.hash\" field in hashedrekord");
    if (!claims.hash_algorithm) reject("Missing \"data.hash.algorithm\" field in hashedrekord");
    if (*claims.hash_algorithm != "sha256") reject("Unexpected \"data.hash.algorithm\" value \"" + *claims.hash_algorithm + "\"");
    if (!claims.hash_value) reject("Missing \"data.hash.value\" field in hashedrekord");
    auto logged_hash = go_hex_decode(*claims.hash_value);
    if (!logged_hash) reject("Invalid \"data.hash.value\" field in hashedrekord: invalid hexadecimal");
    const std::string digest = util::raw_digest(util::DigestAlgorithm::sha256, payload);
    if (*logged_hash != digest)
        reject_untrusted("payload in Rekor SET does not match: the SET logs the SHA-256 of another payload (logged " + *claims.hash_value +
               ", this payload's is " + util::hex_encode(digest) + ")");
}

struct UntrustedSet {
    std::string signed_entry_timestamp;
    std::string payload_json;  // the Payload value, re-serialized (canonicalization removes any difference)
};

UntrustedSet parse_untrusted_set(std::string_view untrusted_set) {
    rapidjson::Document document;
    parse_json(document, untrusted_set, "parsing the Rekor SET");
    UntrustedSet set;
    paranoid_exact_object(document, {"SignedEntryTimestamp", "Payload"}, [&](const std::string& key, const JsonValue& value) {
        if (key == "SignedEntryTimestamp") {
            set.signed_entry_timestamp = go_bytes(value, "SignedEntryTimestamp");
            return;
        }
        set.payload_json = util::write_json(value);  // depth bounded by the gateway
    });
    return set;
}

VerifiedRekorSet parse_verified_payload(const std::string& canonical, std::string& body) {
    rapidjson::Document document;
    parse_json(document, canonical, "parsing Rekor SET payload");
    VerifiedRekorSet verified;
    auto int64_field = [](const JsonValue& value, const std::string& key) -> std::int64_t {
        if (value.IsNull()) return 0;
        if (!value.IsInt64()) reject("parsing Rekor SET payload: json: cannot unmarshal " + std::string(go_json_kind(value)) + " into Go value of type int64 (" + key + ")");
        return value.GetInt64();
    };
    paranoid_exact_object(document, {"body", "integratedTime", "logIndex", "logID"}, [&](const std::string& key, const JsonValue& value) {
        if (key == "body") body = go_bytes(value, "body");
        if (key == "integratedTime") verified.integrated_time = int64_field(value, key);
        if (key == "logIndex") verified.log_index = int64_field(value, key);
        if (key == "logID") verified.log_id = go_optional_string(&value, "logID").value_or("");
    });
    return verified;
}

}  // namespace

std::string public_key_pem(const PublicKey& key) {
    std::string base64 = util::base64_encode(key.subject_public_key_info_der());
    std::string pem = "-----BEGIN PUBLIC KEY-----\n";
    for (std::size_t i = 0; i < base64.size(); i += 64) pem += base64.substr(i, 64) + "\n";
    return pem + "-----END PUBLIC KEY-----\n";
}

VerifiedRekorSet verify_rekor_set(const std::vector<PublicKey>& rekor_keys, std::string_view untrusted_set,
                                  std::string_view untrusted_key_or_certificate_pem,
                                  std::string_view untrusted_base64_signature, std::string_view untrusted_payload) {
    UntrustedSet set = parse_untrusted_set(untrusted_set);
    std::string error;
    auto canonical = canonicalize_json(set.payload_json, error);
    if (!canonical) reject("canonicalizing Rekor SET JSON: " + error);
    const std::string digest = util::raw_digest(util::DigestAlgorithm::sha256, *canonical);
    bool trusted = false;
    for (const PublicKey& key : rekor_keys) {
        if (key.verify_digest(digest, set.signed_entry_timestamp)) {
            trusted = true;
            break;
        }
    }
    if (!trusted)
        reject_untrusted("cryptographic signature verification of Rekor SET failed: it is not signed by any of the " +
               std::to_string(rekor_keys.size()) + " trusted Rekor public keys");
    std::string body;
    VerifiedRekorSet verified = parse_verified_payload(*canonical, body);
    match_claims(parse_hashedrekord(body), untrusted_key_or_certificate_pem, untrusted_base64_signature, untrusted_payload);
    return verified;
}

}  // namespace imgtrust::signature
