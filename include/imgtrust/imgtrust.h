/* libimgtrust's C ABI: containers-policy.json evaluation for C (and any
 * language with a C FFI). docs/c-api.md has the guide and an example.
 *
 * Handles. Every object is opaque and made by a *_new function:
 *   imgtrust_context  one parsed policy with its trust material and the
 *                     evaluation options (OpenPGP engine, --require-signed,
 *                     --multi-arch-rule);
 *   imgtrust_client   how registries are reached (auth file, certificates,
 *                     TLS, registries.d, timeouts, retries) and what every
 *                     verification through it shares: connections, bearer
 *                     tokens, the manifest cache;
 *   imgtrust_result   the outcome for one image: the verdict, its manifest
 *                     digest, the JSON `imgtrust verify --output json` prints
 *                     for the image, or the error that prevented a verdict.
 *
 * Ownership. Whatever a *_new or imgtrust_verify* call hands out through an
 * out-parameter belongs to the caller, who frees it with the matching *_free
 * (each accepts NULL). Strings the library returns (const char *) belong to
 * the object they were read from and stay valid until that object is freed;
 * imgtrust_last_error's string stays valid until the calling thread's next
 * call into the library. Strings and buffers passed in are copied: the caller
 * may free them as soon as the call returns.
 *
 * Threads. A context and a client may be shared by any number of threads and
 * used for concurrent imgtrust_verify calls; free them after the last call
 * using them has returned. Options objects and results are not synchronised:
 * use one from one thread at a time. The last error is per thread.
 *
 * Errors. No C++ exception ever leaves the library. Every function that can
 * fail returns an imgtrust_status; on anything other than IMGTRUST_OK (and
 * IMGTRUST_REJECTED, which is a verdict, not a failure) imgtrust_last_error()
 * says why in English.
 *
 * ABI. Symbols are versioned (node IMGTRUST_0 in libimgtrust.so.0); functions
 * are only ever added. See docs/c-api.md for the SONAME policy.
 */
#ifndef IMGTRUST_IMGTRUST_H
#define IMGTRUST_IMGTRUST_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define IMGTRUST_C_API __attribute__((visibility("default")))
#else
#define IMGTRUST_C_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The outcome classes of the CLI's exit codes (0 accepted, 1 rejected,
 * 2 usage/configuration, 3 could not fetch), split finer. */
typedef enum imgtrust_status {
    IMGTRUST_OK = 0,                 /* done; for a verification: the image is allowed */
    IMGTRUST_REJECTED = 1,           /* verified: the policy rejects the image (the result says why) */
    IMGTRUST_E_CONFIG = 2,           /* unusable configuration: a key or certificate file, an image
                                        reference or transport, registries.d, auth file (exit 2) */
    IMGTRUST_E_POLICY = 3,           /* the policy is invalid (exit 2) */
    IMGTRUST_E_FETCH = 4,            /* the image, its manifest or its signatures could not be read,
                                        or it does not exist (exit 3) */
    IMGTRUST_E_INVALID_ARGUMENT = 5, /* a NULL handle, a NULL required pointer, an unknown enum value */
    IMGTRUST_E_NO_MEMORY = 6,        /* out of memory */
    IMGTRUST_E_INTERNAL = 7          /* a bug; never an accept (exit 3) */
} imgtrust_status;

/* Which manifest's signatures count for a manifest list (verify --multi-arch-rule). */
typedef enum imgtrust_multi_arch_rule {
    IMGTRUST_MULTI_ARCH_PLATFORM = 0,         /* podman, skopeo copy: the platform instance's (default) */
    IMGTRUST_MULTI_ARCH_INDEX_OR_PLATFORM = 1 /* bootc, skopeo's image proxy: the index's or the instance's */
} imgtrust_multi_arch_rule;

typedef struct imgtrust_context_options imgtrust_context_options;
typedef struct imgtrust_context imgtrust_context;
typedef struct imgtrust_client_options imgtrust_client_options;
typedef struct imgtrust_client imgtrust_client;
typedef struct imgtrust_result imgtrust_result;

/* The library's version, e.g. "0.1.0". Static storage. */
IMGTRUST_C_API const char *imgtrust_version(void);

/* A stable name for a status: "ok", "rejected", "config", "policy", "fetch",
 * "invalid-argument", "no-memory", "internal" ("unknown" otherwise). Static storage. */
IMGTRUST_C_API const char *imgtrust_status_name(imgtrust_status status);

/* Why the calling thread's last failing call failed ("" when none did).
 * Valid until the calling thread's next call into the library. */
IMGTRUST_C_API const char *imgtrust_last_error(void);

/* ---- Evaluation options (for a context). Defaults: the default OpenPGP
 * engine, require_signed off, IMGTRUST_MULTI_ARCH_PLATFORM, the running
 * machine's platform for manifest lists. */
IMGTRUST_C_API imgtrust_status imgtrust_context_options_new(imgtrust_context_options **out_options);
IMGTRUST_C_API void imgtrust_context_options_free(imgtrust_context_options *options);
/* "gpgme", "rnp", or NULL / "" for the default (docs/openpgp-engines.md); an
 * unknown or unavailable engine fails when the context is made (IMGTRUST_E_CONFIG). */
IMGTRUST_C_API imgtrust_status imgtrust_context_options_set_openpgp_engine(imgtrust_context_options *options,
                                                                           const char *engine);
/* Non-zero: reject an image that no signedBy or sigstoreSigned requirement verified (skopeo --require-signed). */
IMGTRUST_C_API imgtrust_status imgtrust_context_options_set_require_signed(imgtrust_context_options *options,
                                                                           int require_signed);
IMGTRUST_C_API imgtrust_status imgtrust_context_options_set_multi_arch_rule(imgtrust_context_options *options,
                                                                            imgtrust_multi_arch_rule rule);
/* Non-zero: making the context fails (IMGTRUST_E_CONFIG) on the first
 * requirement whose trust material cannot be loaded (an unreadable key file,
 * a CA file without a certificate …). Zero (the default) keeps c/image's
 * verdicts: such a requirement fails only the images whose scope reaches it. */
IMGTRUST_C_API imgtrust_status imgtrust_context_options_set_fail_on_trust_problems(imgtrust_context_options *options,
                                                                                   int fail);
/* Which instance of a manifest list is used (--override-os/-arch/-variant); NULL or "": the running machine's. */
IMGTRUST_C_API imgtrust_status imgtrust_context_options_set_platform(imgtrust_context_options *options,
                                                                     const char *os, const char *architecture,
                                                                     const char *variant);

/* ---- Contexts: a policy and its trust material, loaded and checked once.
 * options may be NULL (the defaults); it is copied. Relative key paths in the
 * policy are relative to the process's working directory, as for the CLI.
 * Fails with IMGTRUST_E_POLICY (invalid policy) or IMGTRUST_E_CONFIG (an
 * unreadable file, a bad key, an unavailable engine); *out_context is then NULL. */
IMGTRUST_C_API imgtrust_status imgtrust_context_new_from_file(const char *policy_path,
                                                              const imgtrust_context_options *options,
                                                              imgtrust_context **out_context);
/* policy_json: the policy document itself (policy_json_len bytes, no NUL needed). */
IMGTRUST_C_API imgtrust_status imgtrust_context_new_from_json(const char *policy_json, size_t policy_json_len,
                                                              const imgtrust_context_options *options,
                                                              imgtrust_context **out_context);
IMGTRUST_C_API void imgtrust_context_free(imgtrust_context *context);

/* ---- Client options. Defaults as the CLI's: the default auth file chain,
 * certs.d lookup, TLS verified, the registries.d directories, 3 retries,
 * 10 minutes per image, 60 s per request. NULL strings restore the default. */
IMGTRUST_C_API imgtrust_status imgtrust_client_options_new(imgtrust_client_options **out_options);
IMGTRUST_C_API void imgtrust_client_options_free(imgtrust_client_options *options);
IMGTRUST_C_API imgtrust_status imgtrust_client_options_set_authfile(imgtrust_client_options *options,
                                                                    const char *path);
IMGTRUST_C_API imgtrust_status imgtrust_client_options_set_cert_dir(imgtrust_client_options *options,
                                                                    const char *path);
/* Zero: plain HTTP allowed and certificates not checked (--tls-verify=false). */
IMGTRUST_C_API imgtrust_status imgtrust_client_options_set_tls_verify(imgtrust_client_options *options,
                                                                      int tls_verify);
IMGTRUST_C_API imgtrust_status imgtrust_client_options_set_registries_d(imgtrust_client_options *options,
                                                                        const char *path);
/* per_image_ms: whole-image limit (0: none); per_request_ms: one request (0: the default). */
IMGTRUST_C_API imgtrust_status imgtrust_client_options_set_timeouts(imgtrust_client_options *options,
                                                                    long per_image_ms, long per_request_ms);
/* Retries on 429, 5xx and transport errors; must not be negative. */
IMGTRUST_C_API imgtrust_status imgtrust_client_options_set_retry_times(imgtrust_client_options *options,
                                                                       int retry_times);

/* ---- Clients. options may be NULL (the defaults); it is copied. */
IMGTRUST_C_API imgtrust_status imgtrust_client_new(const imgtrust_client_options *options,
                                                   imgtrust_client **out_client);
/* Aborts requests in flight and refuses new ones (they fail with
 * IMGTRUST_E_FETCH). Cannot be undone. Safe from any thread and from a signal
 * handler's deferred work; not async-signal-safe. */
IMGTRUST_C_API void imgtrust_client_cancel(imgtrust_client *client);
IMGTRUST_C_API void imgtrust_client_free(imgtrust_client *client);

/* ---- Verifying.
 * image: "docker://NAME[:TAG|@DIGEST]", "dir:PATH", "oci:PATH[:REF]",
 * "oci-archive:PATH[:REF]", as on imgtrust's command line. client may be NULL:
 * the context's own client, made with the default registry settings when the
 * context was made, is used (enough for dir:, oci: and oci-archive: images).
 * Returns IMGTRUST_OK (allowed), IMGTRUST_REJECTED, or why no verdict was
 * reached. *out_result is set for every verdict and for every failure of the
 * image (an error result, whose JSON carries "error": {"kind", "message"});
 * it is NULL only for IMGTRUST_E_INVALID_ARGUMENT and IMGTRUST_E_NO_MEMORY.
 * Free it with imgtrust_result_free. */
IMGTRUST_C_API imgtrust_status imgtrust_verify(const imgtrust_context *context, const imgtrust_client *client,
                                               const char *image, imgtrust_result **out_result);

/* Pre-downloaded content (docs/embedding-modes.md): a manifest and its
 * signatures that the caller already fetched, verified under docker_reference
 * (e.g. "registry.example.com/app:v1"; the transports.docker scopes and
 * signedIdentity apply to it) with no network access.
 * manifest / manifest_len: the manifest bytes exactly as fetched (digested as given);
 * media_type: its media type, or NULL to guess it from the bytes;
 * signatures[i] / signature_lens[i], i < signature_count: each signature file
 * (simple-signing, c/image's sigstore blob, or a Sigstore bundle JSON);
 * signatures and signature_lens may be NULL when signature_count is 0.
 * Statuses and *out_result as imgtrust_verify. */
IMGTRUST_C_API imgtrust_status imgtrust_verify_preloaded(const imgtrust_context *context,
                                                         const char *docker_reference, const void *manifest,
                                                         size_t manifest_len, const char *media_type,
                                                         const void *const *signatures, const size_t *signature_lens,
                                                         size_t signature_count, imgtrust_result **out_result);

/* ---- Results. Accessors take a non-NULL result; returned strings live as long as it. */
/* 1 when the policy allows the image, 0 when it rejects it or no verdict was reached. */
IMGTRUST_C_API int imgtrust_result_allowed(const imgtrust_result *result);
/* The status imgtrust_verify* returned with this result. */
IMGTRUST_C_API imgtrust_status imgtrust_result_status(const imgtrust_result *result);
/* "sha256:<hex>" of the manifest that was verified; "" without a verdict. */
IMGTRUST_C_API const char *imgtrust_result_manifest_digest(const imgtrust_result *result);
/* One entry of `imgtrust verify --output json`'s "images" (docs/verify-json.md), compact, no newline. */
IMGTRUST_C_API const char *imgtrust_result_json(const imgtrust_result *result);
/* For a rejection: the first reason, as the CLI's "Rejected:" line says it
 * (the verdict's own reason, else "<requirement type>: <reason>"); for an
 * error: the error message; "" when allowed. */
IMGTRUST_C_API const char *imgtrust_result_reason(const imgtrust_result *result);
/* Without a verdict: "config", "policy", "not-found", "fetch", "internal"; else "". */
IMGTRUST_C_API const char *imgtrust_result_error_kind(const imgtrust_result *result);
IMGTRUST_C_API const char *imgtrust_result_error_message(const imgtrust_result *result);
IMGTRUST_C_API void imgtrust_result_free(imgtrust_result *result);

#ifdef __cplusplus
}
#endif

#endif /* IMGTRUST_IMGTRUST_H */
