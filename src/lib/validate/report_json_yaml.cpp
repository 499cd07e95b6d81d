// JSON and YAML report writers: the same document, two syntaxes.
#include <cstdio>

#include "imgtrust/errors.hpp"
#include "validate/report_writer.hpp"

namespace imgtrust::validate {
namespace {

// Length of a valid UTF-8 sequence starting at text[i], or 0.
std::size_t utf8_sequence_length(const std::string& text, std::size_t i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte >= 0xF0 && byte <= 0xF4 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 && byte < 0xE0 ? 2 : 0;
    if (length == 0 || i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
    return length;
}

// Printable ASCII that JSON takes as is (everything but the quote and the backslash).
bool is_plain_json_char(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

}  // namespace

std::string json_quote(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (is_plain_json_char(c)) {  // the usual case: copy the whole run at once
            std::size_t end = i + 1;
            while (end < text.size() && is_plain_json_char(static_cast<unsigned char>(text[end]))) ++end;
            out.append(text, i, end - i);
            i = end;
            continue;
        }
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else if (std::size_t length = utf8_sequence_length(text, i)) {
            out.append(text, i, length);
            i += length;
            continue;
        } else {
            out += "\\ufffd";
        }
        ++i;
    }
    out += '"';
    return out;
}

namespace {

std::string quoted_list(const std::vector<std::string>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + json_quote(values[i]);
    return out + "]";
}

std::string platform_json(const ManifestCheck& check) {
    if (!check.has_platform) return "null";
    return "{\"os\": " + json_quote(check.platform.os) + ", \"architecture\": " + json_quote(check.platform.architecture) +
           ", \"variant\": " + json_quote(check.platform.variant) + "}";
}

std::string counts_inline(const std::map<std::string, std::size_t>& counts) {
    std::string out = "{";
    bool first = true;
    for (const auto& [name, count] : counts) {
        out += (first ? "" : ", ") + json_quote(name) + ": " + std::to_string(count);
        first = false;
    }
    return out + "}";
}

class JsonReportWriter : public ReportWriter {
public:
    explicit JsonReportWriter(std::ostream& out) : out_(out) {}

    void begin(const ReportHeader& header) override {
        out_ << "{\n  \"schemaVersion\": 1,\n  \"tool\": \"imgtrust validate\",\n"
             << "  \"policy\": " << json_quote(header.policy) << ",\n"
             << "  \"filter\": {\"architectures\": " << quoted_list(header.architectures)
             << ", \"oses\": " << quoted_list(header.oses)
             << ", \"validateManifestIndex\": " << (header.validate_manifest_index ? "true" : "false") << "},\n"
             << "  \"overrides\": {\"registry\": " << json_quote(header.registry_override)
             << ", \"project\": " << json_quote(header.project_override) << "},\n"
             << "  \"results\": [";
    }

    void write(const ImageReport& report) override {
        out_ << (first_ ? "\n" : ",\n") << "    {\n"
             << "      \"line\": " << report.line_number << ",\n"
             << "      \"input\": " << json_quote(report.input_line) << ",\n"
             << "      \"reference\": " << json_quote(report.reference) << ",\n"
             << "      \"passed\": " << (report.passed ? "true" : "false") << ",\n"
             << "      \"status\": " << json_quote(status_name(report.status)) << ",\n"
             << "      \"error\": " << json_quote(report.error) << ",\n"
             << "      \"manifests\": [";
        for (std::size_t i = 0; i < report.manifests.size(); ++i) write_manifest(report.manifests[i], i == 0);
        out_ << (report.manifests.empty() ? "]\n" : "\n      ]\n") << "    }";
        first_ = false;
    }

    void end(const ReportSummary& summary) override {
        out_ << (first_ ? "],\n" : "\n  ],\n") << "  \"summary\": {\"images\": " << summary.images
             << ", \"passed\": " << summary.passed << ", \"failed\": " << summary.failed
             << ", \"imageStatuses\": " << counts_inline(summary.image_statuses)
             << ", \"manifestStatuses\": " << counts_inline(summary.manifest_statuses) << "}\n}\n";
        out_.flush();
    }

private:
    void write_manifest(const ManifestCheck& check, bool first) {
        out_ << (first ? "\n" : ",\n") << "        {\"kind\": " << json_quote(kind_name(check.kind))
             << ", \"digest\": " << json_quote(check.digest) << ", \"mediaType\": " << json_quote(check.media_type)
             << ",\n         \"platform\": " << platform_json(check) << ", \"status\": " << json_quote(status_name(check.status))
             << ",\n         \"signedIdentity\": " << json_quote(check.signer.signed_identity)
             << ", \"keyFingerprint\": " << json_quote(check.signer.key_fingerprint)
             << ",\n         \"certificateSubject\": " << json_quote(check.signer.certificate_subject)
             << ", \"certificateIssuer\": " << json_quote(check.signer.certificate_issuer)
             << ",\n         \"certificateSans\": " << quoted_list(check.signer.certificate_sans)
             << ", \"certificateOidcIssuer\": " << json_quote(check.signer.certificate_oidc_issuer)
             << ",\n         \"reasons\": " << quoted_list(check.reasons) << "}";
    }

    std::ostream& out_;
    bool first_ = true;
};

class YamlReportWriter : public ReportWriter {
public:
    explicit YamlReportWriter(std::ostream& out) : out_(out) {}

    void begin(const ReportHeader& header) override {
        out_ << "schemaVersion: 1\ntool: \"imgtrust validate\"\n"
             << "policy: " << json_quote(header.policy) << "\n"
             << "filter:\n  architectures: " << quoted_list(header.architectures)
             << "\n  oses: " << quoted_list(header.oses)
             << "\n  validateManifestIndex: " << (header.validate_manifest_index ? "true" : "false") << "\n"
             << "overrides:\n  registry: " << json_quote(header.registry_override)
             << "\n  project: " << json_quote(header.project_override) << "\nresults:";
    }

    void write(const ImageReport& report) override {
        out_ << "\n  - line: " << report.line_number << "\n    input: " << json_quote(report.input_line)
             << "\n    reference: " << json_quote(report.reference) << "\n    passed: " << (report.passed ? "true" : "false")
             << "\n    status: " << json_quote(status_name(report.status)) << "\n    error: " << json_quote(report.error)
             << "\n    manifests:" << (report.manifests.empty() ? " []" : "");
        for (const auto& check : report.manifests) {
            out_ << "\n      - kind: " << json_quote(kind_name(check.kind)) << "\n        digest: " << json_quote(check.digest)
                 << "\n        mediaType: " << json_quote(check.media_type) << "\n        platform: " << platform_json(check)
                 << "\n        status: " << json_quote(status_name(check.status))
                 << "\n        signedIdentity: " << json_quote(check.signer.signed_identity)
                 << "\n        keyFingerprint: " << json_quote(check.signer.key_fingerprint)
                 << "\n        certificateSubject: " << json_quote(check.signer.certificate_subject)
                 << "\n        certificateIssuer: " << json_quote(check.signer.certificate_issuer)
                 << "\n        certificateSans: " << quoted_list(check.signer.certificate_sans)
                 << "\n        certificateOidcIssuer: " << json_quote(check.signer.certificate_oidc_issuer)
                 << "\n        reasons: " << quoted_list(check.reasons);
        }
        any_ = true;
    }

    void end(const ReportSummary& summary) override {
        out_ << (any_ ? "\n" : " []\n") << "summary:\n  images: " << summary.images << "\n  passed: " << summary.passed
             << "\n  failed: " << summary.failed << "\n  imageStatuses: " << counts_inline(summary.image_statuses)
             << "\n  manifestStatuses: " << counts_inline(summary.manifest_statuses) << "\n";
        out_.flush();
    }

private:
    std::ostream& out_;
    bool any_ = false;
};

}  // namespace

std::unique_ptr<ReportWriter> make_csv_report_writer(std::ostream& out);

std::unique_ptr<ReportWriter> make_report_writer(const std::string& format, std::ostream& out) {
    if (format == "json") return std::make_unique<JsonReportWriter>(out);
    if (format == "yaml") return std::make_unique<YamlReportWriter>(out);
    if (format == "csv") return make_csv_report_writer(out);
    throw ConfigError("unknown report format \"" + format + "\" (use json, yaml or csv)");
}

void ReportSummary::add(const ImageReport& report) {
    ++images;
    ++(report.passed ? passed : failed);
    ++image_statuses[status_name(report.status)];
    for (const auto& check : report.manifests) ++manifest_statuses[status_name(check.status)];
}

}  // namespace imgtrust::validate
