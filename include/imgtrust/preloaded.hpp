// Pre-downloaded content (skopeo#2435): verify a manifest plus its signatures
// that the caller already fetched, under a docker reference the caller names,
// with the same policy semantics as PolicyContext::evaluate — and no network
// access at all. docs/embedding-modes.md describes the protocol.
#pragma once

#include <string_view>
#include <vector>

#include "imgtrust/export.hpp"
#include "imgtrust/image.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust {

// What found_in says for a Sigstore bundle handed over by the caller.
inline constexpr std::string_view preloaded_bundle_found_in = "preloaded";

// One signature file as a caller may hold it, recognised from its bytes:
// - a simple-signing (OpenPGP) signature as c/image stores it (lookaside
//   signature-N, dir: signature-N): raw OpenPGP bytes, or c/image's framed
//   "\0simple-signing\n…" form;
// - c/image's sigstore signature blob as dir: and containers-storage store it
//   ("\0sigstore-json\n{mimeType, payload, annotations}");
// - a Sigstore bundle (cosign v3 .sigstore.json): a JSON object whose
//   "mediaType" is a Sigstore bundle media type (application/vnd.dev.sigstore.bundle.v0.3+json,
//   application/vnd.dev.sigstore.bundle+json;version=0.N); found_in is "preloaded".
// Nothing is verified here. Throws ConfigError naming why for an empty,
// oversized (> max_signature_bytes) or unrecognised file.
IMGTRUST_API UntrustedSignature parse_signature_file(std::string_view bytes);

// Evaluates the policy of `context` for `manifest` and `signatures`, as
// PolicyContext::evaluate does for an image read from a registry:
// - scope and identity: the image is docker://REF (REF = docker_reference;
//   a leading "docker://" is accepted), so the transports.docker scopes apply
//   and signedIdentity compares signatures' claims against REF;
// - the digest is computed over manifest.bytes exactly as given (an empty
//   manifest.media_type is guessed from the bytes);
// - nothing is fetched: no registry, lookaside or referrers request.
// A manifest list or OCI index is evaluated as the list itself, by its own
// digest, against the signatures given (as skopeo standalone-verify checks the
// manifest it is handed): without the network no platform instance can be
// read. To check what podman pull would check, pass the platform instance's
// manifest and its signatures instead.
// Throws ConfigError for an invalid reference, an unsupported manifest or more
// than max_signatures signatures; a rejection is a Verdict with allowed == false.
// Safe to call from many threads on one context when PolicyContext::evaluate is.
IMGTRUST_API Verdict evaluate_preloaded(const PolicyContext& context, std::string_view docker_reference,
                                        const ManifestBlob& manifest, const std::vector<UntrustedSignature>& signatures);

}  // namespace imgtrust
