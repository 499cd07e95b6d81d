#include "validate/report_reader.hpp"

#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "imgtrust/errors.hpp"
#include "util/untrusted_json.hpp"
#include "util/untrusted_yaml.hpp"

namespace imgtrust::validate {
namespace {

// One syntax's view of a parsed value: the report is read by one template
// (ReportReader<Node>) over both. Strings must be strings (in YAML: quoted
// scalars, as the writer always quotes them), numbers and booleans plain.
struct JsonNode {
    const rapidjson::Value* value;
};
struct YamlNode {
    YAML::Node value;
};

bool is_null(const JsonNode& n) { return n.value->IsNull(); }
std::optional<std::string> string_of(const JsonNode& n) {
    if (!n.value->IsString()) return std::nullopt;
    return std::string(n.value->GetString(), n.value->GetStringLength());
}
std::optional<std::uint64_t> uint_of(const JsonNode& n) {
    return n.value->IsUint64() ? std::optional<std::uint64_t>(n.value->GetUint64()) : std::nullopt;
}
std::optional<std::int64_t> int_of(const JsonNode& n) {
    return n.value->IsInt64() ? std::optional<std::int64_t>(n.value->GetInt64()) : std::nullopt;
}
std::optional<bool> bool_of(const JsonNode& n) {
    return n.value->IsBool() ? std::optional<bool>(n.value->GetBool()) : std::nullopt;
}
std::optional<std::vector<std::pair<std::string, JsonNode>>> members_of(const JsonNode& n) {
    if (!n.value->IsObject()) return std::nullopt;
    std::vector<std::pair<std::string, JsonNode>> out;
    for (const auto& member : n.value->GetObject())
        out.emplace_back(std::string(member.name.GetString(), member.name.GetStringLength()), JsonNode{&member.value});
    return out;
}
std::optional<std::vector<JsonNode>> items_of(const JsonNode& n) {
    if (!n.value->IsArray()) return std::nullopt;
    std::vector<JsonNode> out;
    for (const auto& item : n.value->GetArray()) out.push_back(JsonNode{&item});
    return out;
}

bool is_plain_scalar(const YamlNode& n) { return n.value.IsScalar() && n.value.Tag() == "?"; }
bool is_null(const YamlNode& n) { return n.value.IsNull(); }
std::optional<std::string> string_of(const YamlNode& n) {
    if (!n.value.IsScalar() || n.value.Tag() != "!") return std::nullopt;
    return n.value.Scalar();
}
template <class Integer>
std::optional<Integer> integer_of(const YamlNode& n) {
    if (!is_plain_scalar(n)) return std::nullopt;
    const std::string& text = n.value.Scalar();
    Integer value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}
std::optional<std::uint64_t> uint_of(const YamlNode& n) { return integer_of<std::uint64_t>(n); }
std::optional<std::int64_t> int_of(const YamlNode& n) { return integer_of<std::int64_t>(n); }
std::optional<bool> bool_of(const YamlNode& n) {
    if (!is_plain_scalar(n) || (n.value.Scalar() != "true" && n.value.Scalar() != "false")) return std::nullopt;
    return n.value.Scalar() == "true";
}
std::optional<std::vector<std::pair<std::string, YamlNode>>> members_of(const YamlNode& n) {
    if (!n.value.IsMap()) return std::nullopt;
    std::vector<std::pair<std::string, YamlNode>> out;
    for (auto it = n.value.begin(); it != n.value.end(); ++it) {
        if (!it->first.IsScalar()) return std::nullopt;
        out.emplace_back(it->first.Scalar(), YamlNode{it->second});
    }
    return out;
}
std::optional<std::vector<YamlNode>> items_of(const YamlNode& n) {
    if (!n.value.IsSequence()) return std::nullopt;
    std::vector<YamlNode> out;
    for (const auto& item : n.value) out.push_back(YamlNode{item});
    return out;
}

using KeyList = std::vector<std::string>;

// The members of one report object, checked against the keys it may have.
template <class Node>
class Object {
public:
    Object(const std::string& report, const Node& node, std::string where, const KeyList& required, const KeyList& optional = {})
        : report_(report), where_(std::move(where)) {
        auto members = members_of(node);
        if (!members) fail(where_, "expected an object");
        members_ = std::move(*members);
        for (std::size_t i = 0; i < members_.size(); ++i) {
            const std::string& key = members_[i].first;
            if (std::find(required.begin(), required.end(), key) == required.end() &&
                std::find(optional.begin(), optional.end(), key) == optional.end())
                fail(at(key), "unknown field (written by another imgtrust version?)");
            for (std::size_t j = 0; j < i; ++j)
                if (members_[j].first == key) fail(at(key), "duplicate field");
        }
        for (const auto& key : required)
            if (!find(key)) fail(at(key), "missing");
    }

    const Node* find(const std::string& key) const {
        for (const auto& [name, value] : members_)
            if (name == key) return &value;
        return nullptr;
    }
    const Node& get(const std::string& key) const {
        const Node* found = find(key);
        if (!found) fail(at(key), "missing");
        return *found;
    }
    std::string at(const std::string& key) const { return where_.empty() ? key : where_ + "." + key; }

    std::string text(const std::string& key) const { return expect(string_of(get(key)), key, "a string"); }
    std::size_t count(const std::string& key) const {
        return static_cast<std::size_t>(expect(uint_of(get(key)), key, "a non-negative integer"));
    }
    bool flag(const std::string& key) const { return expect(bool_of(get(key)), key, "true or false"); }
    std::vector<Node> items(const std::string& key) const { return expect(items_of(get(key)), key, "a list"); }
    std::vector<std::string> texts(const std::string& key) const {
        std::vector<std::string> out;
        for (const auto& item : items(key)) out.push_back(expect(string_of(item), key, "a list of strings"));
        return out;
    }

    template <class Value>
    Value expect(std::optional<Value> value, const std::string& key, const char* what) const {
        if (!value) fail(at(key), std::string("expected ") + what);
        return std::move(*value);
    }
    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw ConfigError(report_ + ": " + where + ": " + what);
    }

private:
    const std::string& report_;
    std::string where_;
    std::vector<std::pair<std::string, Node>> members_;
};

KeyList manifest_keys() {
    KeyList keys{"kind", "digest", "mediaType", "platform", "status", "signedIdentity", "keyFingerprint",
                 "certificateSubject", "certificateIssuer", "certificateSans", "certificateOidcIssuer",
                 "signatureFormat", "foundIn", "signingTimes", "reasons"};
    for (const auto& field : keyless_identity_fields(AcceptedSigner{})) keys.push_back(field.report_key);
    return keys;
}

// The keyless CI fields back into the signer: certificateMatchedSan, and the
// Fulcio extensions by the name keyless_identity_fields looks them up by.
template <class Node>
void read_keyless_fields(const Object<Node>& object, AcceptedSigner& signer) {
    for (const auto& field : keyless_identity_fields(AcceptedSigner{})) {
        std::string value = object.text(field.report_key);
        if (std::string_view(field.report_key) == "certificateMatchedSan")
            signer.certificate_matched_san = std::move(value);
        else if (!value.empty())
            signer.certificate_extensions.push_back({field.report_key, "", std::move(value)});
    }
}

template <class Node>
std::vector<SigningTime> read_signing_times(const Object<Node>& manifest, const std::string& report) {
    std::vector<SigningTime> times;
    const auto items = manifest.items("signingTimes");
    for (std::size_t i = 0; i < items.size(); ++i) {
        Object<Node> time(report, items[i], manifest.at("signingTimes") + "[" + std::to_string(i) + "]",
                          {"source", "time", "authority"});
        times.push_back({time.text("source"), time.expect(int_of(time.get("time")), "time", "an integer"),
                         time.text("authority")});
    }
    return times;
}

template <class Node>
ManifestCheck read_manifest(const Node& node, const std::string& where, const std::string& report) {
    static const KeyList keys = manifest_keys();
    Object<Node> m(report, node, where, keys);
    ManifestCheck check;
    check.kind = m.expect(kind_named(m.text("kind")), "kind", "image, index or platform");
    check.digest = m.text("digest");
    check.media_type = m.text("mediaType");
    if (const Node& platform = m.get("platform"); !is_null(platform)) {
        Object<Node> p(report, platform, m.at("platform"), {"os", "architecture", "variant"});
        check.has_platform = true;
        check.platform = {p.text("os"), p.text("architecture"), p.text("variant")};
    }
    check.status = m.expect(status_named(m.text("status")), "status", "a status name");
    check.signer.signed_identity = m.text("signedIdentity");
    check.signer.key_fingerprint = m.text("keyFingerprint");
    check.signer.certificate_subject = m.text("certificateSubject");
    check.signer.certificate_issuer = m.text("certificateIssuer");
    check.signer.certificate_sans = m.texts("certificateSans");
    check.signer.certificate_oidc_issuer = m.text("certificateOidcIssuer");
    read_keyless_fields(m, check.signer);
    check.signer.signature_format = m.text("signatureFormat");
    check.signer.found_in = m.text("foundIn");
    check.signer.signing_times = read_signing_times(m, report);
    check.reasons = m.texts("reasons");
    return check;
}

template <class Node>
ImageReport read_result(const Node& node, const std::string& where, bool shard_report, const std::string& report) {
    static const KeyList keys{"line", "input", "reference", "passed", "status", "error", "manifests"};
    static const KeyList shard_keys{"line", "index", "input", "reference", "passed", "status", "error", "manifests"};
    Object<Node> r(report, node, where, shard_report ? shard_keys : keys);
    ImageReport result;
    result.line_number = r.count("line");
    if (shard_report) result.entry_index = r.count("index");
    result.input_line = r.text("input");
    result.reference = r.text("reference");
    result.passed = r.flag("passed");
    result.status = r.expect(status_named(r.text("status")), "status", "a status name");
    result.error = r.text("error");
    const auto manifests = r.items("manifests");
    for (std::size_t i = 0; i < manifests.size(); ++i)
        result.manifests.push_back(read_manifest(manifests[i], r.at("manifests") + "[" + std::to_string(i) + "]", report));
    return result;
}

template <class Node>
ReportHeader read_header(const Object<Node>& top, const std::string& report) {
    ReportHeader header;
    if (top.count("schemaVersion") != 1) top.fail("schemaVersion", "expected 1");
    if (top.text("tool") != "imgtrust validate") top.fail("tool", "expected \"imgtrust validate\"");
    header.policy = top.text("policy");
    Object<Node> filter(report, top.get("filter"), "filter", {"architectures", "oses", "validateManifestIndex"});
    header.architectures = filter.texts("architectures");
    header.oses = filter.texts("oses");
    header.validate_manifest_index = filter.flag("validateManifestIndex");
    Object<Node> overrides(report, top.get("overrides"), "overrides", {"registry", "project"});
    header.registry_override = overrides.text("registry");
    header.project_override = overrides.text("project");
    if (const Node* shard = top.find("shard")) {
        Object<Node> s(report, *shard, "shard", {"index", "count", "listEntries", "listSha256", "settingsSha256"});
        header.shard = ShardInfo{{s.count("index"), s.count("count")}, s.count("listEntries"), s.text("listSha256"),
                                 s.text("settingsSha256")};
    }
    return header;
}

template <class Node>
ParsedReport read_report(const Node& root, const std::string& report) {
    Object<Node> top(report, root, "",
                     {"schemaVersion", "tool", "policy", "filter", "overrides", "results", "summary", "complete"},
                     {"shard", "interruptedBy"});
    ParsedReport parsed;
    parsed.header = read_header(top, report);
    const auto results = top.items("results");
    for (std::size_t i = 0; i < results.size(); ++i) {
        parsed.results.push_back(read_result(results[i], "results[" + std::to_string(i) + "]", parsed.header.shard.has_value(), report));
        if (!parsed.header.shard) parsed.results.back().entry_index = i;
    }
    Object<Node> summary(report, top.get("summary"), "summary", {"images", "passed", "failed", "imageStatuses", "manifestStatuses"});
    parsed.summary_images = summary.count("images");
    parsed.complete = top.flag("complete");
    if (top.find("interruptedBy")) parsed.interrupted_by = top.text("interruptedBy");
    if (parsed.complete != parsed.interrupted_by.empty()) top.fail("interruptedBy", "present exactly when complete is false");
    return parsed;
}

}  // namespace

ParsedReport parse_report(std::string_view untrusted_text, const std::string& name) {
    const auto first = untrusted_text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && untrusted_text[first] == '{') {
        util::JsonOptions options;
        options.limits.max_bytes = max_report_bytes;
        options.encoding = util::JsonEncodingCheck::validate_utf8;
        rapidjson::Document document;
        if (auto error = util::parse_untrusted_json(untrusted_text, document, options))
            throw ConfigError(name + ": not a validate report: " + error->describe());
        return read_report(JsonNode{&document}, name);
    }
    YAML::Node root;
    try {
        root = util::load_untrusted_yaml(untrusted_text, {max_yaml_report_bytes, util::max_yaml_depth});
    } catch (const YAML::Exception& error) {
        throw ConfigError(name + ": not a validate report: invalid YAML: " + error.what());
    } catch (const util::YamlLimitError& error) {
        throw ConfigError(name + ": not a validate report: " + error.what());
    }
    return read_report(YamlNode{root}, name);
}

}  // namespace imgtrust::validate
