// StdioServer: one newline-delimited JSON request → one response line.
// Order: the line is bounded, parsed strictly through the one JSON gateway,
// its members checked against the method's list, base64 decoded, signature
// files recognised; only then is anything evaluated.
#include "imgtrust/serve.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>
#include <vector>

#include "imgtrust/errors.hpp"
#include "imgtrust/preloaded.hpp"
#include "imgtrust/validate.hpp"
#include "imgtrust/verify_json.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust {
namespace {

// A request that cannot be served as written: the "usage" error kind.
class RequestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Request {
    rapidjson::Document document;
    std::string id_json = "null";  // echoed as parsed (a scalar)
    std::string method;
};

std::string quoted(std::string_view text) {
    rapidjson::Value value(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return util::write_json(value);
}

// {"id": ID, "<key>": <raw JSON>}
std::string response(const std::string& id_json, const char* key, const std::string& raw_json) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("id");
    w.RawValue(id_json.data(), id_json.size(), rapidjson::kNullType);
    w.Key(key);
    w.RawValue(raw_json.data(), raw_json.size(), rapidjson::kObjectType);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string error_response(const std::string& id_json, std::string_view kind, std::string_view message) {
    return response(id_json, "error", "{\"kind\":" + quoted(kind) + ",\"message\":" + quoted(message) + "}");
}

// The members each method takes; "id" and "method" are allowed everywhere.
const std::vector<std::string>* members_of(const std::string& method) {
    static const std::vector<std::string> verify{"image"};
    static const std::vector<std::string> preloaded{"identity", "manifest", "manifestType", "signatures"};
    static const std::vector<std::string> validate{"line"};
    static const std::vector<std::string> shutdown{};
    if (method == "verify") return &verify;
    if (method == "verify-preloaded") return &preloaded;
    if (method == "validate") return &validate;
    if (method == "shutdown") return &shutdown;
    return nullptr;
}

// Strict: one JSON object, a scalar id, a known method, no unknown or repeated member.
void parse_request(std::string_view untrusted_line, Request& request) {
    util::JsonOptions options;
    options.limits.max_bytes = max_serve_request_bytes;
    options.encoding = util::JsonEncodingCheck::validate_utf8;
    if (auto error = util::parse_untrusted_json(untrusted_line, request.document, options))
        throw RequestError("the request is not one JSON value: " + error->describe());
    if (!request.document.IsObject()) throw RequestError("the request is not a JSON object");
    const auto id = request.document.FindMember("id");
    if (id != request.document.MemberEnd()) {
        if (id->value.IsObject() || id->value.IsArray()) throw RequestError("\"id\" must be a string, number, boolean or null");
        request.id_json = util::write_json(id->value);
    }
    const auto method = request.document.FindMember("method");
    if (method == request.document.MemberEnd() || !method->value.IsString()) throw RequestError("\"method\" (a string) is required");
    request.method.assign(method->value.GetString(), method->value.GetStringLength());
    const auto* allowed = members_of(request.method);
    if (!allowed)
        throw RequestError("unknown method \"" + request.method.substr(0, 100) +
                           "\" (verify, verify-preloaded, validate, shutdown)");
    std::set<std::string> seen;
    for (const auto& member : request.document.GetObject()) {
        const std::string name(member.name.GetString(), member.name.GetStringLength());
        if (!seen.insert(name).second) throw RequestError("member \"" + name.substr(0, 100) + "\" appears twice");
        bool known = name == "id" || name == "method";
        for (const auto& a : *allowed) known = known || name == a;
        if (!known) throw RequestError("unknown member \"" + name.substr(0, 100) + "\" for method " + request.method);
    }
}

const rapidjson::Value* optional_member(const Request& request, const char* name) {
    const auto found = request.document.FindMember(name);
    return found == request.document.MemberEnd() ? nullptr : &found->value;
}

std::string string_member(const Request& request, const char* name, bool required = true) {
    const rapidjson::Value* value = optional_member(request, name);
    if (!value) {
        if (required) throw RequestError(std::string("\"") + name + "\" is required for method " + request.method);
        return {};
    }
    if (!value->IsString()) throw RequestError(std::string("\"") + name + "\" must be a string");
    return std::string(value->GetString(), value->GetStringLength());
}

std::string base64_member(const std::string& text, const std::string& what) {
    auto bytes = util::base64_decode(text);
    if (!bytes) throw RequestError(what + " is not valid base64 (RFC 4648, with padding)");
    return std::move(*bytes);
}

// verify-preloaded: decoded and recognised before anything is evaluated.
struct PreloadedRequest {
    std::string identity;
    ManifestBlob manifest;
    std::vector<UntrustedSignature> signatures;
};

PreloadedRequest decode_preloaded(const Request& request) {
    PreloadedRequest decoded;
    decoded.identity = string_member(request, "identity");
    if (decoded.identity.rfind("docker://", 0) != 0)
        throw RequestError("\"identity\" must be a docker reference written as docker://NAME[:TAG|@DIGEST]");
    decoded.manifest.bytes = base64_member(string_member(request, "manifest"), "\"manifest\"");
    decoded.manifest.media_type = string_member(request, "manifestType", false);
    const rapidjson::Value* signatures = optional_member(request, "signatures");
    if (signatures && !signatures->IsArray()) throw RequestError("\"signatures\" must be an array of base64 strings");
    if (signatures && signatures->Size() > max_signatures)
        throw RequestError("more than " + std::to_string(max_signatures) + " signatures");
    for (rapidjson::SizeType i = 0; signatures && i < signatures->Size(); ++i) {
        const auto& item = (*signatures)[i];
        const std::string where = "\"signatures\"[" + std::to_string(i) + "]";
        if (!item.IsString()) throw RequestError(where + " must be a base64 string");
        try {
            decoded.signatures.push_back(
                parse_signature_file(base64_member(std::string(item.GetString(), item.GetStringLength()), where)));
        } catch (const ConfigError& e) {
            throw RequestError(where + ": " + e.what());
        }
    }
    return decoded;
}

}  // namespace

StdioServer::StdioServer(std::shared_ptr<const PolicyContext> context, std::shared_ptr<const Client> client,
                         std::shared_ptr<const validate::Validator> validator)
    : context_(std::move(context)), client_(std::move(client)), validator_(std::move(validator)) {
    if (!context_) throw ConfigError("StdioServer: a PolicyContext is required");
}

StdioServer::~StdioServer() = default;

std::string StdioServer::oversized_request_response() {
    return error_response("null", "usage",
                          "request line longer than " + std::to_string(max_serve_request_bytes) + " bytes; not read");
}

ServeResponse StdioServer::handle(std::string_view line) const {
    Request request;
    try {
        if (line.size() > max_serve_request_bytes) return {oversized_request_response(), false};
        parse_request(line, request);
        if (request.method == "shutdown") return {response(request.id_json, "result", "{\"shutdown\":true}"), true};
        if (request.method == "validate") {
            if (!validator_) throw RequestError("validate is not available in this server");
            // Problems of the image are the entry's status; only configuration problems throw.
            const validate::ImageReport report = validator_->check_line(string_member(request, "line"));
            return {response(request.id_json, "result", validate::image_report_json(report)), false};
        }
        ImageResult result;
        if (request.method == "verify") {
            result.image = string_member(request, "image");
            const auto image = parse_image_reference(result.image);
            result.verdict = client_ ? context_->evaluate(*image, *client_) : context_->evaluate(*image);
        } else {
            PreloadedRequest decoded = decode_preloaded(request);
            result.image = decoded.identity;
            result.verdict = evaluate_preloaded(*context_, decoded.identity, decoded.manifest, decoded.signatures);
        }
        return {response(request.id_json, "result", image_result_json(result)), false};
    } catch (const RequestError& e) {
        return {error_response(request.id_json, "usage", e.what()), false};
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        return {error_response(request.id_json, error_kind_for(std::current_exception()), e.what()), false};
    }
}

}  // namespace imgtrust
