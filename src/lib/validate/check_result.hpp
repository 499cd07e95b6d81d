// What `imgtrust validate` records for each list entry: every manifest checked
// (the index and each selected platform, or the single manifest), with an
// explicit status. Documented in docs/validate-report.md.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/verify.hpp"
#include "validate/image_list.hpp"

namespace imgtrust::validate {

enum class CheckStatus {
    verified,           // an accepted signature by a trusted key for this manifest and identity
    unsigned_image,     // no signature at all ("A signature was required, but no signature exists")
    invalid_signature,  // a trusted key's signature for another manifest digest, or a malformed signature
    identity_mismatch,  // a trusted key signed this manifest, but for an identity the policy does not accept
    untrusted_key,      // signatures exist, but none verifies with a trusted key (or their bytes were altered)
    rejected,           // the policy rejects without looking at signatures (a `reject` requirement, unsupported trust)
    fetch_error,        // the manifest or its signatures could not be read (or the per-image timeout passed)
    skipped_by_filter,  // a platform not selected by --arch/--os, or a selected platform missing from the index
    invalid_reference,  // the list line is not a valid image reference (image-level only)
    not_checked,        // the run was interrupted (SIGINT/SIGTERM) before this entry was checked (image-level only)
};

// The stable report name: "verified", "unsigned", "invalid-signature", ...
const char* status_name(CheckStatus status);
// The status a report name stands for (reading reports back: report merge).
std::optional<CheckStatus> status_named(std::string_view name);
// Whether this status makes the image fail.
bool status_fails(CheckStatus status);

struct Platform {
    std::string os;
    std::string architecture;
    std::string variant;
    std::string text() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }
};

// Who signed a manifest: the accepted signature's identity, key and (for
// fulcio/pki) certificate; empty when no signature was accepted.
struct AcceptedSigner {
    std::string signed_identity;  // of the accepted signature
    std::string key_fingerprint;  // of the key that verified it
    std::string certificate_subject;            // subject DN (Fulcio leaves have an empty one)
    std::string certificate_issuer;             // issuer DN
    std::vector<std::string> certificate_sans;  // "email:…", "DNS:…", "URI:…", "IP:…"
    std::string certificate_oidc_issuer;        // Fulcio only
    std::string certificate_matched_san;        // the SAN the identity rule matched ("URI:https://…")
    std::vector<CertificateExtension> certificate_extensions;  // Fulcio extensions (workflow, repository, …)
    // Issue 14 (Sigstore bundles): the accepted signature's format
    // ("simple-signing", "sigstore", "sigstore-bundle"), where a bundle was
    // found ("referrers", "referrers-tag", "oci-layout"; "" otherwise) and the
    // verified times the signature was checked at (a bundle's SET and TSA
    // times; a `.sig` signature's Rekor SET time, whose authority is "").
    std::string signature_format;
    std::string found_in;
    std::vector<SigningTime> signing_times;
};

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

struct ManifestCheck {
    enum class Kind { image, index, platform } kind = Kind::image;
    std::string digest;      // empty when the manifest could not be read or was not selected
    std::string media_type;
    bool has_platform = false;
    Platform platform;
    CheckStatus status = CheckStatus::fetch_error;
    AcceptedSigner signer;
    std::vector<std::string> reasons;  // every rejection reason (or why it was skipped / not read)
};

const char* kind_name(ManifestCheck::Kind kind);
std::optional<ManifestCheck::Kind> kind_named(std::string_view name);

struct ImageReport {
    std::size_t sequence = 0;      // 0-based position among the entries this run checks
    std::size_t entry_index = 0;   // 0-based position among the whole list's entries (differs under --shard)
    std::size_t line_number = 0;
    std::string input_line;        // exactly as in the list
    std::string reference;         // "docker://…" after --registry/--project, empty when invalid
    bool passed = false;
    CheckStatus status = CheckStatus::fetch_error;  // verified when passed, else the first failing manifest's status
    std::string error;             // an image-level problem (invalid line, unreadable image)
    std::vector<ManifestCheck> manifests;
    double seconds = 0;            // wall time of the check (not written to reports: they must be reproducible)
};

// Sets passed/status from the manifests: the image passes when no manifest
// fails. When none was checked (every platform filtered out, index not
// validated) it passes with status skipped-by-filter, as hangar skips it.
void finish_image_report(ImageReport& report);

// The report of an entry that an interrupted run did not check: status
// not-checked, failed (so that the failed list resumes the run), with `why`.
ImageReport not_checked_report(const ListEntry& entry, std::size_t sequence, const std::string& why);

}  // namespace imgtrust::validate
