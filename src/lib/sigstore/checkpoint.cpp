#include "sigstore/checkpoint.hpp"

#include <charconv>

#include "signature/rejection.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"

namespace imgtrust::sigstore {
namespace {

constexpr std::size_t max_note_bytes = 1024 * 1024;
constexpr std::size_t max_note_signatures = 100;  // "MUST accept at least up to 16 signatures"
constexpr std::string_view em_dash = "\xE2\x80\x94";

[[noreturn]] void reject(const std::string& reason) { throw signature::SignatureRejected("invalid checkpoint: " + reason); }

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;  // a last line without its newline (remove_prefix(npos + 1) would not advance)
        text.remove_prefix(end + 1);
    }
    return lines;
}

NoteSignature parse_signature_line(std::string_view line) {
    if (line.substr(0, em_dash.size()) != em_dash || line.size() < em_dash.size() + 1 || line[em_dash.size()] != ' ')
        reject("a signature line does not start with \"— \"");
    line.remove_prefix(em_dash.size() + 1);
    auto space = line.find(' ');
    if (space == std::string_view::npos || space == 0) reject("a signature line has no key name");
    NoteSignature signature;
    signature.key_name = std::string(line.substr(0, space));
    auto decoded = util::base64_decode(line.substr(space + 1));
    if (!decoded || decoded->size() < 5) reject("a signature of \"" + signature.key_name + "\" is not base64 of a key ID and a signature");
    signature.key_id = decoded->substr(0, 4);
    signature.signature = decoded->substr(4);
    return signature;
}

bool is_rekor_v1_origin(std::string_view origin) {
    auto separator = origin.rfind(" - ");
    if (separator == std::string_view::npos || separator == 0 || separator + 3 == origin.size()) return false;
    for (char c : origin.substr(separator + 3))
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

SignedNote parse_signed_note(std::string_view untrusted_note) {
    if (untrusted_note.size() > max_note_bytes) reject("larger than 1 MiB");
    for (char c : untrusted_note)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n') reject("contains a control character");
    auto separator = untrusted_note.rfind("\n\n");
    if (separator == std::string_view::npos) reject("no blank line separates the text from the signatures");
    SignedNote note;
    note.text = std::string(untrusted_note.substr(0, separator + 1));
    std::string_view signature_block = untrusted_note.substr(separator + 2);
    if (signature_block.empty()) reject("no signature");
    if (signature_block.back() != '\n') reject("the signature block does not end with a newline");
    for (std::string_view line : lines_of(signature_block)) {
        if (note.signatures.size() == max_note_signatures) reject("more than 100 signatures");
        note.signatures.push_back(parse_signature_line(line));
    }
    if (note.signatures.empty()) reject("no signature");
    return note;
}

Checkpoint parse_checkpoint_text(std::string_view note_text) {
    auto lines = lines_of(note_text);
    if (lines.size() < 3) reject("fewer than three lines (origin, tree size, root hash)");
    Checkpoint checkpoint;
    checkpoint.origin = std::string(lines[0]);
    if (checkpoint.origin.empty()) reject("empty origin line");
    std::string_view size = lines[1];
    auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), checkpoint.tree_size);
    if (size.empty() || error != std::errc() || end != size.data() + size.size() || (size.size() > 1 && size[0] == '0'))
        reject("the second line is not a decimal tree size");
    auto root = util::base64_decode(lines[2]);
    if (!root || root->size() != 32) reject("the third line is not a base64 SHA-256 root hash");
    checkpoint.root_hash = *root;
    for (std::size_t i = 3; i < lines.size(); ++i) {
        if (lines[i].empty()) reject("an empty extension line");
        checkpoint.extension_lines.emplace_back(lines[i]);
    }
    return checkpoint;
}

std::string url_host(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    auto at = url.rfind('@');
    if (at != std::string_view::npos) url.remove_prefix(at + 1);
    if (!url.empty() && url.front() == '[') return std::string(url.substr(1, url.find(']') - 1));
    return std::string(url.substr(0, url.find(':')));
}

std::string note_key_id(const TransparencyLog& log, std::string_view key_name) {
    if (log.checkpoint_key_id.size() >= 4) return log.checkpoint_key_id.substr(0, 4);
    std::string spki = log.key.subject_public_key_info_der();
    if (log.key.algorithm() == "Ed25519") {
        std::string input(key_name);
        input += '\n';
        input += '\x01';
        input += spki.substr(spki.size() - 32);
        return util::raw_digest(util::DigestAlgorithm::sha256, input).substr(0, 4);
    }
    return util::raw_digest(util::DigestAlgorithm::sha256, spki).substr(0, 4);
}

Checkpoint verify_checkpoint(std::string_view untrusted_note, const TransparencyLog& log) {
    SignedNote note = parse_signed_note(untrusted_note);
    Checkpoint checkpoint = parse_checkpoint_text(note.text);
    const bool rekor_v1 = is_rekor_v1_origin(checkpoint.origin);
    const std::string key_name = rekor_v1 ? std::string() : url_host(log.base_url);
    if (!rekor_v1 && checkpoint.origin != key_name)
        reject("origin \"" + checkpoint.origin.substr(0, 200) + "\" is not the log's name \"" + key_name + "\"");
    const std::string key_id = note_key_id(log, key_name);
    std::size_t verified = 0;
    for (const NoteSignature& signature : note.signatures) {
        // "Verifiers MUST ignore signatures from unknown keys, even if they share a name or ID (but not both) with a known key."
        if (signature.key_id != key_id || (!rekor_v1 && signature.key_name != key_name)) continue;
        // "If a signature from a known key fails to verify, clients SHOULD reject the whole note."
        if (!log.key.verify(note.text, signature.signature))
            reject("the signature of \"" + signature.key_name + "\" does not verify with the log's key");
        ++verified;
    }
    // "If no signature from a known key verifies successfully, clients MUST reject the note."
    if (verified == 0) reject("no signature by the log's key (" + (rekor_v1 ? log.base_url : key_name) + ")");
    return checkpoint;
}

}  // namespace imgtrust::sigstore
