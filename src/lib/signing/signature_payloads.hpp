// The payloads imgtrust signs for an image, byte for byte as the tools whose
// verifiers must accept them write them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "signing/signing_key.hpp"
#include "util/digest.hpp"

namespace imgtrust::signing {

// cosign's simple-signing payload (sigstore/cosign pkg/payload, Go json.Marshal
// of SimpleContainerImage): {"critical":{"identity":{"docker-reference":R},
// "image":{"docker-manifest-digest":D},"type":"cosign container image signature"},"optional":null}
std::string make_cosign_payload(const std::string& docker_reference, const util::Digest& manifest_digest);

// containers/image's "atomic container signature" payload (signature/simple.go)
// for GPG simple signing, Go-marshalled from maps (so keys sorted):
// {"critical":{"identity":{"docker-reference":R},"image":{"docker-manifest-digest":D},
// "type":"atomic container signature"},"optional":{"creator":C,"timestamp":T}}
// with optional.creator = atomic_payload_creator (c/image writes "atomic <its
// version>") and optional.timestamp = Unix seconds.
inline constexpr std::string_view atomic_payload_creator = "imgtrust";
std::string make_atomic_payload(const std::string& docker_reference, const util::Digest& manifest_digest, std::int64_t timestamp);

// The in-toto v1 statement cosign v3 `sign` puts in a bundle:
// {"_type":"https://in-toto.io/Statement/v1","subject":[{"name":REPOSITORY,
// "digest":{"sha256":HEX}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}.
// cosign v3 writes the subject without a name (and with empty annotations);
// in-toto makes the name optional and no verifier (cosign, sigstore-go,
// @sigstore/verify, imgtrust) compares it, so imgtrust records the repository
// for readers.
std::string make_cosign_sign_statement(const std::string& repository, const util::Digest& manifest_digest);

// cosign v3's bundle for an image: the statement above in a DSSE envelope
// (payloadType application/vnd.in-toto+json, signed over the PAE), in a v0.3
// bundle (application/vnd.dev.sigstore.bundle.v0.3+json) with
// verificationMaterial.publicKey.hint and no transparency log entries or
// timestamps (offline signing).
std::string make_image_bundle(const SigningKey& key, const std::string& repository, const util::Digest& manifest_digest);

}  // namespace imgtrust::signing
