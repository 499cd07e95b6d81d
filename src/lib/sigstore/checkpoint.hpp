// Transparency log checkpoints (c2sp.org/tlog-checkpoint) in the signed-note
// format (c2sp.org/signed-note), as inclusion proofs of Rekor v1 and v2 carry
// them: the log's own signature must verify; witness cosignatures and other
// signatures from unknown keys are ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sigstore/trust_material.hpp"

namespace imgtrust::sigstore {

struct NoteSignature {
    std::string key_name;
    std::string key_id;     // 4 bytes
    std::string signature;  // the rest of the decoded base64
};

struct SignedNote {
    std::string text;  // the note text, with its final newline
    std::vector<NoteSignature> signatures;
};

// "A signed note consists of a text ending in newline (U+000A), followed by a
// blank line (only a newline), followed by one or more signature lines":
// "— <key name> base64(32-bit key ID || signature)". Throws SignatureRejected.
SignedNote parse_signed_note(std::string_view untrusted_note);

struct Checkpoint {
    std::string origin;
    std::uint64_t tree_size = 0;
    std::string root_hash;  // raw bytes
    std::vector<std::string> extension_lines;
};

// The checkpoint body: origin line, decimal tree size, base64 root hash, then
// optional extension lines. Throws SignatureRejected.
Checkpoint parse_checkpoint_text(std::string_view note_text);

// The signed-note key ID the log signs with: for Ed25519,
// SHA-256(name || 0x0A || 0x01 || 32-byte key)[:4]; for ECDSA and RSA, the
// first 4 bytes of SHA-256 of the DER SubjectPublicKeyInfo (which is how Rekor
// v1 and c2sp type 0x02 name them). A root's checkpointKeyId wins when given.
std::string note_key_id(const TransparencyLog& log, std::string_view key_name);

// Verifies a checkpoint signed by `log`. Rekor v1 checkpoints (origin
// "<host> - <tree id>") are matched by key ID alone, as Rekor v1 clients do;
// other checkpoints need origin == key name == the host of the log's baseUrl.
// Every signature naming the log's key must verify, and at least one must
// exist. Returns the verified checkpoint. Throws SignatureRejected.
Checkpoint verify_checkpoint(std::string_view untrusted_note, const TransparencyLog& log);

// The host of an http(s) URL ("https://log2025-1.rekor.sigstore.dev" → "log2025-1.rekor.sigstore.dev").
std::string url_host(std::string_view url);

}  // namespace imgtrust::sigstore
