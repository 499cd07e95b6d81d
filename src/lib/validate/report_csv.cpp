// CSV report (RFC 4180): one row per manifest checked, or one row for an image
// with none (an invalid line). No summary rows: the columns stay uniform.
// New columns are only ever appended, so that readers by position keep working.
#include "validate/report_writer.hpp"

namespace imgtrust::validate {
namespace {

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string joined_reasons(const std::vector<std::string>& reasons) {
    std::string out;
    for (std::size_t i = 0; i < reasons.size(); ++i) out += (i ? " | " : "") + reasons[i];
    return out;
}

std::string joined_signing_times(const std::vector<SigningTime>& times) {
    std::string out;
    for (std::size_t i = 0; i < times.size(); ++i) out += (i ? " | " : "") + signing_time_text(times[i]);
    return out;
}

constexpr std::size_t bundle_column_count = 3;  // signature_format, found_in, signing_times

class CsvReportWriter : public ReportWriter {
public:
    explicit CsvReportWriter(std::ostream& out) : out_(out) {}

    void begin(const ReportHeader&) override {
        out_ << "line,input,reference,passed,image_status,error,kind,digest,media_type,platform,status,signed_identity,"
                "key_fingerprint,reasons,certificate_subject,certificate_issuer,certificate_sans,certificate_oidc_issuer";
        for (const auto& field : keyless_identity_fields(AcceptedSigner{})) out_ << "," << field.csv_column;  // appended, issue 15
        out_ << ",signature_format,found_in,signing_times";  // appended, issue 14 (Sigstore bundles)
        out_ << "\r\n";
    }

    void write(const ImageReport& report) override {
        const std::string image_part = std::to_string(report.line_number) + "," + csv_field(report.input_line) + "," +
                                       csv_field(report.reference) + "," + (report.passed ? "true" : "false") + "," +
                                       status_name(report.status) + "," + csv_field(report.error) + ",";
        const std::string no_signer_fields(keyless_identity_fields(AcceptedSigner{}).size() + bundle_column_count, ',');
        if (report.manifests.empty()) out_ << image_part << ",,,,,,,,,,," << no_signer_fields << "\r\n";
        for (const auto& check : report.manifests) {
            out_ << image_part << kind_name(check.kind) << "," << csv_field(check.digest) << "," << csv_field(check.media_type)
                 << "," << csv_field(check.has_platform ? check.platform.text() : "") << "," << status_name(check.status)
                 << "," << csv_field(check.signer.signed_identity) << "," << csv_field(check.signer.key_fingerprint) << ","
                 << csv_field(joined_reasons(check.reasons)) << "," << csv_field(check.signer.certificate_subject) << ","
                 << csv_field(check.signer.certificate_issuer) << "," << csv_field(joined_reasons(check.signer.certificate_sans)) << ","
                 << csv_field(check.signer.certificate_oidc_issuer);
            for (const auto& field : keyless_identity_fields(check.signer)) out_ << "," << csv_field(field.value);
            out_ << "," << csv_field(check.signer.signature_format) << "," << csv_field(check.signer.found_in) << ","
                 << csv_field(joined_signing_times(check.signer.signing_times));
            out_ << "\r\n";
        }
    }

    void end(const ReportSummary&) override { out_.flush(); }

private:
    std::ostream& out_;
};

}  // namespace

std::unique_ptr<ReportWriter> make_csv_report_writer(std::ostream& out) { return std::make_unique<CsvReportWriter>(out); }

}  // namespace imgtrust::validate
