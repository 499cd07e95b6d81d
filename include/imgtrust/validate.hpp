// hangar-style batch validation (`imgtrust validate`, `hangar sign validate`)
// as a library: check every image of a list against sigstore keys, keyless or
// PKI trust, or a containers-policy.json file; each image's index and selected
// platforms by their own digests, with the list's reference as the identity.
//
//   imgtrust::validate::ValidationSettings settings;
//   settings.trust.key_paths = {"cosign.pub"};
//   auto client = std::make_shared<const imgtrust::Client>(
//       imgtrust::validate::validation_system_context({}, settings.timeout));
//   imgtrust::validate::Validator validator(settings, client);   // loads the trust now
//   ImageReport one = validator.check_line("registry.example/app:v1", 1);  // any thread
//   ValidationRun run;  run.report = &report_file;  run.failed_list = &failed_file;
//   ReportSummary summary = run_validation(validator, list_stream, run);
//
// The report formats (json, yaml, csv) are docs/validate-report.md; statuses
// and their meaning too. Errors: ConfigError / PolicyFormatError
// (imgtrust/errors.hpp) for problems of the whole run; problems of one image
// are never thrown, they are that image's status.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/client.hpp"
#include "imgtrust/export.hpp"
#include "imgtrust/policy.hpp"
#include "imgtrust/system_context.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust::validate {

// ---- Per-image results (docs/validate-report.md) ----

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
    not_checked,        // the run was stopped (SIGINT/SIGTERM, cancel) before this entry was checked (image-level only)
};

// The stable report name: "verified", "unsigned", "invalid-signature", ...
IMGTRUST_API const char* status_name(CheckStatus status);
// The status a report name stands for (reading reports back: report merge).
IMGTRUST_API std::optional<CheckStatus> status_named(std::string_view name);
// Whether this status makes the image fail (all but verified and skipped-by-filter).
IMGTRUST_API bool status_fails(CheckStatus status);

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
    // The accepted signature's format ("simple-signing", "sigstore",
    // "sigstore-bundle"), where a bundle was found ("referrers",
    // "referrers-tag", "oci-layout"; "" otherwise) and the verified times the
    // signature was checked at (a bundle's SET and TSA times; a `.sig`
    // signature's Rekor SET time, whose authority is "").
    std::string signature_format;
    std::string found_in;
    std::vector<SigningTime> signing_times;
};

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

IMGTRUST_API const char* kind_name(ManifestCheck::Kind kind);  // "image", "index", "platform"
IMGTRUST_API std::optional<ManifestCheck::Kind> kind_named(std::string_view name);

// One list entry's result: what the report holds for it.
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

// ---- Shards and report headers ----

// validate --shard K/N: one machine's part of a list (docs/validate-sharding.md).
struct ShardSelection {
    std::size_t index = 0;  // K, 0-based
    std::size_t count = 1;  // N
    bool contains(std::size_t entry_index) const { return entry_index % count == index; }
    // How many of the first `entries` list entries belong to this shard.
    std::size_t entries_among(std::size_t entries) const {
        return entries / count + (index < entries % count ? 1 : 0);
    }
};


// The `shard` header of a shard report: which shard, and what the shards of
// one run must share (the list's bytes, the trust settings).
struct ShardInfo {
    ShardSelection shard;
    std::size_t list_entries = 0;  // entries in the whole list
    std::string list_sha256;       // "sha256:<hex>" of the list file's bytes
    std::string settings_sha256;   // "sha256:<hex>" of the settings fingerprint (policy, trust files, filter, overrides)
};

// What a report records of its run before the results.
struct ReportHeader {
    std::string policy;  // policy file, or the description of the in-memory policy
    std::vector<std::string> architectures;
    std::vector<std::string> oses;
    bool validate_manifest_index = true;
    std::string registry_override;
    std::string project_override;
    // validate --shard K/N only: the report then has a `shard` object and each
    // result its `index` in the whole list.
    std::optional<ShardInfo> shard;
};

// ---- Settings ----

// The trust to check against: keys, keyless (Fulcio), PKI, or a policy file
// (the `imgtrust validate` options of the same names; man/imgtrust-validate.1).
struct TrustOptions {
    std::vector<std::string> key_paths;  // -p/--sigstore-pubkey, -k/--key (repeatable)
    std::string exact_repository;        // --exact-repository REPO
    bool match_repository = false;       // --match-repository
    std::string policy_path;             // --policy F
    bool insecure_policy = false;        // --insecure-policy
    // Keyless (cosign's names): fulcio needs all four of CA, Rekor key, issuer, identity.
    std::string fulcio_ca_path;                    // --fulcio-ca FILE
    std::vector<std::string> rekor_key_paths;      // --rekor-public-key FILE (repeatable: any of them)
    std::string certificate_oidc_issuer;           // --certificate-oidc-issuer URL
    std::string certificate_oidc_issuer_regexp;    // --certificate-oidc-issuer-regexp RE2
    // cosign's --certificate-identity: equal to ANY SAN (email, URI, DNS, IP),
    // as hangar passes it to cosign (keyless and PKI).
    std::string certificate_identity;              // --certificate-identity VALUE
    std::string certificate_identity_regexp;       // --certificate-identity-regexp RE2 (any SAN, unanchored)
    // --certificate-github-workflow-{trigger,sha,name,repository,ref}: exact, on
    // the Fulcio extensions 1.3.6.1.4.1.57264.1.2-.6 as cosign reads them (keyless only).
    std::string github_workflow_trigger;
    std::string github_workflow_sha;
    std::string github_workflow_name;
    std::string github_workflow_repository;
    std::string github_workflow_ref;
    // PKI: roots, optional intermediates, an email and/or a hostname.
    std::string ca_roots_path;                     // --ca-roots FILE
    std::string ca_intermediates_path;             // --ca-intermediates FILE
    std::string certificate_hostname;              // --certificate-hostname HOST
    // Sigstore bundles (cosign v3): a trusted_root.json for keys or keyless
    // (keyless with neither it nor --fulcio-ca/--rekor-public-key uses the
    // built-in public-good root), and signedIdentity matchDigestOnly.
    std::string trusted_root_path;                 // --trusted-root FILE
    bool match_digest_only = false;                // --match-digest-only
};

// --registry / --project: hangar's rewriting of every list entry before it is checked.
struct ReferenceOverrides {
    std::string registry;  // replaces (or adds) the registry host[:port]; empty: unchanged
    std::string project;   // replaces the first path component (or adds one); empty: unchanged
};

// --arch / --os: which platforms of a manifest list are checked.
struct PlatformFilter {
    std::vector<std::string> architectures{"amd64", "arm64"};  // "arch" or "arch/variant"
    std::vector<std::string> oses{"linux"};
};

struct ValidationSettings {
    TrustOptions trust;
    ReferenceOverrides overrides;
    PlatformFilter platforms;
    bool validate_manifest_index = true;  // also check the index's own signature
    // Per image; 0: no limit. Pass the same value to validation_system_context.
    std::chrono::milliseconds timeout{std::chrono::minutes(10)};
    std::string openpgp_engine;  // EvaluationOptions::openpgp_engine ("" the default engine)
};

// The registry settings a validation Client should use: `access` (auth,
// certificates, TLS, registries.d, retries, debug_log, cancel) plus what
// hangar mode needs: cosign attachments always read, the per-image timeout,
// and no request outliving it (0: no limit).
IMGTRUST_API SystemContext validation_system_context(SystemContext access, std::chrono::milliseconds timeout);

// Throws ConfigError when an override cannot be a registry host or a path component.
IMGTRUST_API void validate_overrides(const ReferenceOverrides& overrides);

// The policy the trust options select (keys, keyless, PKI: an in-memory policy
// whose identity is matchRepoDigestOrExact unless asked otherwise; or the
// policy file; or insecureAcceptAnything). Every trust file is read now.
// Throws ConfigError for conflicting or missing options and unusable files,
// PolicyFormatError for a bad policy file.
IMGTRUST_API Policy build_validation_policy(const TrustOptions& options);

// Warnings about valid options (an identity or issuer regexp that is not
// anchored at both ends), one sentence each, for the caller to show.
IMGTRUST_API std::vector<std::string> trust_option_warnings(const TrustOptions& options);

// ---- Checking images ----

// Parses "K/N" (docs/validate-sharding.md: list entry i belongs to shard i mod
// N). Throws ConfigError saying what is wrong, e.g. for the 1-based "4/4".
IMGTRUST_API ShardSelection parse_shard(std::string_view text);

// Entries (non-blank, non-comment lines) of an image list stream, in the whole
// list or in one shard; reads the stream to its end. For progress totals.
IMGTRUST_API std::size_t count_list_entries(std::istream& list, std::optional<ShardSelection> shard = std::nullopt);

// Checks images. Construction loads the trust (every key, CA and root) and
// validates the overrides; it throws ConfigError / PolicyFormatError.
//
// THREAD SAFETY: check_line and run_validation may be called from any number
// of threads at once on one Validator. All checks share one immutable
// PolicyContext (trust loaded once: one key cache, one GNUPGHOME) and the
// Client (one registry pool: connections, tokens, manifest cache).
class IMGTRUST_API Validator {
public:
    // client: the registry access to share; empty: a Client of
    // validation_system_context({}, settings.timeout). A given client should
    // come from validation_system_context too (attachments, timeouts).
    explicit Validator(ValidationSettings settings, std::shared_ptr<const Client> client = {});
    // With a policy the caller built (build_validation_policy(settings.trust) or any Policy).
    Validator(ValidationSettings settings, Policy policy, std::shared_ptr<const Client> client);
    ~Validator();
    Validator(const Validator&) = delete;
    Validator& operator=(const Validator&) = delete;

    // Checks ONE image list line (hangar's format; "docker://" optional) as
    // `imgtrust validate` checks it in a list: same statuses, same report entry
    // (sequence and entry_index 0). A blank or comment line, or an invalid
    // reference, gives status invalid-reference. Never throws for problems of
    // this image; throws ConfigError / PolicyFormatError for problems of the
    // whole configuration. Thread-safe.
    ImageReport check_line(const std::string& line, std::size_t line_number = 1) const;

    const Policy& policy() const;
    const ValidationSettings& settings() const;
    const Client& client() const;
    // The header a report of this validator's runs starts with (no shard).
    ReportHeader report_header() const;

private:
    friend struct ValidatorAccess;  // the batch runner (src/lib/validate/)
    struct State;
    std::unique_ptr<State> state_;
};

// The JSON object the JSON report holds for this image (docs/validate-report.md:
// line, input, reference, passed, status, error, manifests[…]; `index` only when
// with_index, as in shard reports), written on ONE line (no newline inside or at
// the end), for newline-delimited JSON protocols (imgtrust serve --stdio).
IMGTRUST_API std::string image_report_json(const ImageReport& report, bool with_index = false);

// One run over an image list.
struct ValidationRun {
    std::size_t jobs = 4;  // images checked at once (1-64 in the CLI)
    // Only the entries of this shard; the report then carries a `shard` header
    // (list fingerprint, settings fingerprint) for `imgtrust report merge`,
    // so `whole_list` must hold the list's exact bytes (the stream reads them too).
    std::optional<ShardSelection> shard;
    std::string_view whole_list;
    // The report ("json", "yaml" or "csv") and the failed list (each failed
    // entry's line as written, in list order); nullptr: not written.
    std::string report_format = "json";
    std::ostream* report = nullptr;
    std::ostream* failed_list = nullptr;
    // Stop: when *stop becomes true (or the client is cancelled), no new image
    // starts; every entry not checked is reported not-checked with
    // not_checked_reason(), and the report says complete: false with
    // interrupted_by() ("SIGINT", …; default "cancelled").
    const std::atomic<bool>* stop = nullptr;
    std::function<std::string()> not_checked_reason;
    std::function<std::string()> interrupted_by;
    // Each result as it finishes (completion order; e.g. progress), then in
    // list order after it was written (e.g. output). Called one at a time.
    std::function<void(const ImageReport&)> on_finished;
    std::function<void(const ImageReport&)> on_in_order;
};

struct IMGTRUST_API ReportSummary {
    std::size_t images = 0;
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::map<std::string, std::size_t> image_statuses;     // status name → images
    std::map<std::string, std::size_t> manifest_statuses;  // status name → manifests checked
    std::string interrupted_by;  // "SIGINT"/"SIGTERM" when the run was stopped, else empty (the report is complete)

    void add(const ImageReport& report);
};

// Checks every entry of the list stream on run.jobs threads, in bounded
// memory, writing the report and the failed list in list order (identical
// for any number of jobs). Returns the summary the report ends with. Throws
// ConfigError for an unknown format; rethrows a configuration error raised
// by a check (after the running checks end).
IMGTRUST_API ReportSummary run_validation(const Validator& validator, std::istream& list, const ValidationRun& run);

// The label of the list entry the calling thread is checking inside
// run_validation or a signing batch ("job 2 line 12 reg/app:v1"), "" on other
// threads: for prefixing debug_log lines from several jobs.
IMGTRUST_API const std::string& current_job_label();

}  // namespace imgtrust::validate
