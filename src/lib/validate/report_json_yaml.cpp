// JSON and YAML report writers: the same document, two syntaxes. The layout
// (keys, order, line breaks, indentation) is docs/validate-report.md's and is
// written here, record by record, so that a long run streams; every string
// value is quoted by RapidJSON's Writer (JSON) or yaml-cpp's Emitter (YAML).
// WARNING: docs/validate-report.md promises this format; keep them in sync.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "imgtrust/errors.hpp"
#include "util/text.hpp"
#include "validate/report_writer.hpp"

namespace imgtrust::validate {
namespace {

// Printable ASCII other than the quote and the backslash: both syntaxes take it as is.
bool needs_no_escape(const std::string& text) {
    for (char c : text)
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
    return true;
}

// yaml-cpp 0.7's Emitter writes DEL and U+2028/U+2029 raw, but YAML forbids
// DEL in a document and reads the other two as line breaks (folding them into
// a space): escape them in the emitted scalar, where they can only be content.
std::string escape_what_yaml_cpp_leaves_raw(const std::string& scalar) {
    std::string out;
    out.reserve(scalar.size());
    for (std::size_t i = 0; i < scalar.size(); ++i) {
        if (scalar[i] == '\x7f') {
            out += "\\x7f";
        } else if (scalar.compare(i, 2, "\xE2\x80") == 0 && i + 2 < scalar.size() &&
                   (scalar[i + 2] == '\xA8' || scalar[i + 2] == '\xA9')) {
            out += scalar[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += scalar[i];
        }
    }
    return out;
}

// The double-quoted YAML scalar for text, written by yaml-cpp's Emitter
// (invalid UTF-8 replaced by U+FFFD first).
std::string yaml_quote(const std::string& text) {
    if (needs_no_escape(text)) return '"' + text + '"';
    YAML::Emitter emitter;
    emitter << YAML::DoubleQuoted << util::with_invalid_utf8_replaced(text);
    return escape_what_yaml_cpp_leaves_raw(emitter.c_str());
}

}  // namespace

std::string json_quote(const std::string& text) {
    if (needs_no_escape(text)) return '"' + text + '"';  // the usual case, and the same bytes the Writer would write
    const std::string valid = util::with_invalid_utf8_replaced(text);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
    return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

// json_quote or yaml_quote: the inline lists and maps below read the same in both syntaxes.
using Quote = std::string (*)(const std::string&);

std::string quoted_list(const std::vector<std::string>& values, Quote quote) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + quote(values[i]);
    return out + "]";
}

std::string platform_inline(const ManifestCheck& check, Quote quote) {
    if (!check.has_platform) return "null";
    return "{\"os\": " + quote(check.platform.os) + ", \"architecture\": " + quote(check.platform.architecture) +
           ", \"variant\": " + quote(check.platform.variant) + "}";
}

// [{"source": "SET", "time": 1767225600, "authority": "https://rekor.example"}], as verify --output json writes them.
std::string signing_times_inline(const std::vector<SigningTime>& times, Quote quote) {
    std::string out = "[";
    for (std::size_t i = 0; i < times.size(); ++i)
        out += std::string(i ? ", " : "") + "{\"source\": " + quote(times[i].source) + ", \"time\": " + std::to_string(times[i].time) +
               ", \"authority\": " + quote(times[i].authority) + "}";
    return out + "]";
}

std::string counts_inline(const std::map<std::string, std::size_t>& counts, Quote quote) {
    std::string out = "{";
    bool first = true;
    for (const auto& [name, count] : counts) {
        out += (first ? "" : ", ") + quote(name) + ": " + std::to_string(count);
        first = false;
    }
    return out + "}";
}

// One manifest of a result object, as the JSON report lays it out.
void write_json_manifest(std::ostream& out, const ManifestCheck& check, bool first) {
    out << (first ? "\n" : ",\n") << "        {\"kind\": " << json_quote(kind_name(check.kind))
         << ", \"digest\": " << json_quote(check.digest) << ", \"mediaType\": " << json_quote(check.media_type)
         << ",\n         \"platform\": " << platform_inline(check, json_quote) << ", \"status\": " << json_quote(status_name(check.status))
         << ",\n         \"signedIdentity\": " << json_quote(check.signer.signed_identity)
         << ", \"keyFingerprint\": " << json_quote(check.signer.key_fingerprint)
         << ",\n         \"certificateSubject\": " << json_quote(check.signer.certificate_subject)
         << ", \"certificateIssuer\": " << json_quote(check.signer.certificate_issuer)
         << ",\n         \"certificateSans\": " << quoted_list(check.signer.certificate_sans, json_quote)
         << ", \"certificateOidcIssuer\": " << json_quote(check.signer.certificate_oidc_issuer) << ",\n        ";
    for (const auto& field : keyless_identity_fields(check.signer))
        out << " " << json_quote(field.report_key) << ": " << json_quote(field.value) << ",";
    out << "\n         \"signatureFormat\": " << json_quote(check.signer.signature_format)
         << ", \"foundIn\": " << json_quote(check.signer.found_in)
         << ", \"signingTimes\": " << signing_times_inline(check.signer.signing_times, json_quote) << ","
         << "\n         \"reasons\": " << quoted_list(check.reasons, json_quote) << "}";
}

// One result object of the JSON report, indented as in the report (its first
// line "    {", its last "    }", no line end after it).
void write_json_result(std::ostream& out, const ImageReport& report, bool with_index) {
    out << "    {\n"
         << "      \"line\": " << report.line_number << ",\n";
    if (with_index) out << "      \"index\": " << report.entry_index << ",\n";
    out << "      \"input\": " << json_quote(report.input_line) << ",\n"
         << "      \"reference\": " << json_quote(report.reference) << ",\n"
         << "      \"passed\": " << (report.passed ? "true" : "false") << ",\n"
         << "      \"status\": " << json_quote(status_name(report.status)) << ",\n"
         << "      \"error\": " << json_quote(report.error) << ",\n"
         << "      \"manifests\": [";
    for (std::size_t i = 0; i < report.manifests.size(); ++i) write_json_manifest(out, report.manifests[i], i == 0);
    out << (report.manifests.empty() ? "]\n" : "\n      ]\n") << "    }";
}

class JsonReportWriter : public ReportWriter {
public:
    explicit JsonReportWriter(std::ostream& out) : out_(out) {}

    void begin(const ReportHeader& header) override {
        out_ << "{\n  \"schemaVersion\": 1,\n  \"tool\": \"imgtrust validate\",\n"
             << "  \"policy\": " << json_quote(header.policy) << ",\n"
             << "  \"filter\": {\"architectures\": " << quoted_list(header.architectures, json_quote)
             << ", \"oses\": " << quoted_list(header.oses, json_quote)
             << ", \"validateManifestIndex\": " << (header.validate_manifest_index ? "true" : "false") << "},\n"
             << "  \"overrides\": {\"registry\": " << json_quote(header.registry_override)
             << ", \"project\": " << json_quote(header.project_override) << "},\n";
        if (header.shard)
            out_ << "  \"shard\": {\"index\": " << header.shard->shard.index << ", \"count\": " << header.shard->shard.count
                 << ", \"listEntries\": " << header.shard->list_entries << ",\n            \"listSha256\": "
                 << json_quote(header.shard->list_sha256) << ",\n            \"settingsSha256\": "
                 << json_quote(header.shard->settings_sha256) << "},\n";
        out_ << "  \"results\": [";
        shard_report_ = header.shard.has_value();
    }

    void write(const ImageReport& report) override {
        out_ << (first_ ? "\n" : ",\n");
        write_json_result(out_, report, shard_report_);
        first_ = false;
    }

    void end(const ReportSummary& summary) override {
        out_ << (first_ ? "],\n" : "\n  ],\n") << "  \"summary\": {\"images\": " << summary.images
             << ", \"passed\": " << summary.passed << ", \"failed\": " << summary.failed
             << ", \"imageStatuses\": " << counts_inline(summary.image_statuses, json_quote)
             << ", \"manifestStatuses\": " << counts_inline(summary.manifest_statuses, json_quote) << "},\n"
             << "  \"complete\": " << (summary.interrupted_by.empty() ? "true" : "false");
        if (!summary.interrupted_by.empty()) out_ << ",\n  \"interruptedBy\": " << json_quote(summary.interrupted_by);
        out_ << "\n}\n";
        out_.flush();
    }

private:
    std::ostream& out_;
    bool first_ = true;
    bool shard_report_ = false;
};

class YamlReportWriter : public ReportWriter {
public:
    explicit YamlReportWriter(std::ostream& out) : out_(out) {}

    void begin(const ReportHeader& header) override {
        out_ << "schemaVersion: 1\ntool: \"imgtrust validate\"\n"
             << "policy: " << yaml_quote(header.policy) << "\n"
             << "filter:\n  architectures: " << quoted_list(header.architectures, yaml_quote)
             << "\n  oses: " << quoted_list(header.oses, yaml_quote)
             << "\n  validateManifestIndex: " << (header.validate_manifest_index ? "true" : "false") << "\n"
             << "overrides:\n  registry: " << yaml_quote(header.registry_override)
             << "\n  project: " << yaml_quote(header.project_override) << "\n";
        if (header.shard)
            out_ << "shard:\n  index: " << header.shard->shard.index << "\n  count: " << header.shard->shard.count
                 << "\n  listEntries: " << header.shard->list_entries << "\n  listSha256: " << yaml_quote(header.shard->list_sha256)
                 << "\n  settingsSha256: " << yaml_quote(header.shard->settings_sha256) << "\n";
        out_ << "results:";
        shard_report_ = header.shard.has_value();
    }

    void write(const ImageReport& report) override {
        out_ << "\n  - line: " << report.line_number;
        if (shard_report_) out_ << "\n    index: " << report.entry_index;
        out_ << "\n    input: " << yaml_quote(report.input_line)
             << "\n    reference: " << yaml_quote(report.reference) << "\n    passed: " << (report.passed ? "true" : "false")
             << "\n    status: " << yaml_quote(status_name(report.status)) << "\n    error: " << yaml_quote(report.error)
             << "\n    manifests:" << (report.manifests.empty() ? " []" : "");
        for (const auto& check : report.manifests) {
            out_ << "\n      - kind: " << yaml_quote(kind_name(check.kind)) << "\n        digest: " << yaml_quote(check.digest)
                 << "\n        mediaType: " << yaml_quote(check.media_type) << "\n        platform: " << platform_inline(check, yaml_quote)
                 << "\n        status: " << yaml_quote(status_name(check.status))
                 << "\n        signedIdentity: " << yaml_quote(check.signer.signed_identity)
                 << "\n        keyFingerprint: " << yaml_quote(check.signer.key_fingerprint)
                 << "\n        certificateSubject: " << yaml_quote(check.signer.certificate_subject)
                 << "\n        certificateIssuer: " << yaml_quote(check.signer.certificate_issuer)
                 << "\n        certificateSans: " << quoted_list(check.signer.certificate_sans, yaml_quote)
                 << "\n        certificateOidcIssuer: " << yaml_quote(check.signer.certificate_oidc_issuer);
            for (const auto& field : keyless_identity_fields(check.signer))
                out_ << "\n        " << field.report_key << ": " << yaml_quote(field.value);
            out_ << "\n        signatureFormat: " << yaml_quote(check.signer.signature_format)
                 << "\n        foundIn: " << yaml_quote(check.signer.found_in)
                 << "\n        signingTimes: " << signing_times_inline(check.signer.signing_times, yaml_quote);
            out_ << "\n        reasons: " << quoted_list(check.reasons, yaml_quote);
        }
        any_ = true;
    }

    void end(const ReportSummary& summary) override {
        out_ << (any_ ? "\n" : " []\n") << "summary:\n  images: " << summary.images << "\n  passed: " << summary.passed
             << "\n  failed: " << summary.failed << "\n  imageStatuses: " << counts_inline(summary.image_statuses, yaml_quote)
             << "\n  manifestStatuses: " << counts_inline(summary.manifest_statuses, yaml_quote) << "\n"
             << "complete: " << (summary.interrupted_by.empty() ? "true" : "false") << "\n";
        if (!summary.interrupted_by.empty()) out_ << "interruptedBy: " << yaml_quote(summary.interrupted_by) << "\n";
        out_.flush();
    }

private:
    std::ostream& out_;
    bool any_ = false;
    bool shard_report_ = false;
};

}  // namespace

std::unique_ptr<ReportWriter> make_csv_report_writer(std::ostream& out);

std::unique_ptr<ReportWriter> make_report_writer(const std::string& format, std::ostream& out) {
    if (format == "json") return std::make_unique<JsonReportWriter>(out);
    if (format == "yaml") return std::make_unique<YamlReportWriter>(out);
    if (format == "csv") return make_csv_report_writer(out);
    throw ConfigError("unknown report format \"" + format + "\" (use json, yaml or csv)");
}

// The report's layout is only line breaks and the indentation after them
// (json_quote escapes every control character inside strings): dropping both
// leaves the same object on one line.
std::string image_report_json(const ImageReport& report, bool with_index) {
    std::ostringstream indented;
    write_json_result(indented, report, with_index);
    const std::string text = indented.str();
    std::string line;
    line.reserve(text.size());
    bool after_break = true;  // the object's first line is indented too
    for (char c : text) {
        if (c == '\n') after_break = true;
        else if (after_break && c == ' ') continue;
        else {
            after_break = false;
            line += c;
        }
    }
    return line;
}

void ReportSummary::add(const ImageReport& report) {
    ++images;
    ++(report.passed ? passed : failed);
    ++image_statuses[status_name(report.status)];
    for (const auto& check : report.manifests) ++manifest_statuses[status_name(check.status)];
}

}  // namespace imgtrust::validate
