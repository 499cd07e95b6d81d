// What `imgtrust validate` records for each list entry: every manifest checked
// (the index and each selected platform, or the single manifest), with an
// explicit status. Documented in docs/validate-report.md.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/validate.hpp"
#include "imgtrust/verify.hpp"
#include "validate/image_list.hpp"

namespace imgtrust::validate {

// The result types (CheckStatus, ManifestCheck, ImageReport, …) are public:
// include/imgtrust/validate.hpp.

// One signing time as the CSV report writes it: "SET 1767225600 https://rekor.example"
// (source, seconds since the epoch, then the authority when known).
std::string signing_time_text(const SigningTime& time);

// The keyless CI fields of a report, in their fixed order (CSV appends these
// columns after certificate_oidc_issuer; never reorder): the matched SAN, then
// hangar's githubWorkflow* fields (the deprecated extensions .1.2-.1.6, as
// hangar and cosign read them) and the .1.9+ buildSignerURI, runnerEnvironment,
// sourceRepositoryURI. "" when the certificate has none.
struct SignerField {
    const char* report_key;  // JSON/YAML key
    const char* csv_column;
    std::string value;
};
std::vector<SignerField> keyless_identity_fields(const AcceptedSigner& signer);

// Sets passed/status from the manifests: the image passes when no manifest
// fails. When none was checked (every platform filtered out, index not
// validated) it passes with status skipped-by-filter, as hangar skips it.
void finish_image_report(ImageReport& report);

// The report of an entry that an interrupted run did not check: status
// not-checked, failed (so that the failed list resumes the run), with `why`.
ImageReport not_checked_report(const ListEntry& entry, std::size_t sequence, const std::string& why);

}  // namespace imgtrust::validate
