#include "sigstore/merkle.hpp"

#include "signature/rejection.hpp"
#include "util/digest.hpp"
#include "util/bytes.hpp"

namespace imgtrust::sigstore {
namespace {

constexpr std::size_t hash_size = 32;

[[noreturn]] void reject(const std::string& reason) { throw signature::SignatureRejected("invalid inclusion proof: " + reason); }

}  // namespace

std::string merkle_leaf_hash(std::string_view leaf) {
    std::string input(1, '\0');
    input += leaf;
    return util::raw_digest(util::DigestAlgorithm::sha256, input);
}

std::string merkle_node_hash(std::string_view left, std::string_view right) {
    std::string input(1, '\1');
    input += left;
    input += right;
    return util::raw_digest(util::DigestAlgorithm::sha256, input);
}

void verify_inclusion_proof(std::uint64_t leaf_index, std::uint64_t tree_size, std::string_view leaf_hash,
                            const std::vector<std::string>& proof, std::string_view root_hash) {
    if (leaf_index >= tree_size)
        reject("leaf index " + std::to_string(leaf_index) + " is outside a tree of size " + std::to_string(tree_size));
    if (root_hash.size() != hash_size) reject("the root hash is not 32 bytes");
    // "Set fn to leaf_index and sn to tree_size - 1. Set r to hash."
    std::uint64_t fn = leaf_index, sn = tree_size - 1;
    std::string r(leaf_hash);
    for (const std::string& p : proof) {
        if (p.size() != hash_size) reject("a proof hash is not 32 bytes");
        // "If sn is 0, then stop the iteration and fail the proof verification."
        if (sn == 0) reject("the proof has more hashes than the tree has levels");
        if ((fn & 1) == 1 || fn == sn) {
            r = merkle_node_hash(p, r);
            // "If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn) is set or fn is 0."
            if ((fn & 1) == 0)
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            r = merkle_node_hash(r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    // "Compare sn to 0. Compare r against the root_hash. If sn is equal to 0 and r and the root_hash are equal, then the log has proven the inclusion"
    if (sn != 0) reject("the proof has fewer hashes than the tree has levels");
    if (r != root_hash)
        reject("the computed root hash " + util::hex_encode(r) + " does not match the expected root hash " + util::hex_encode(root_hash));
}

}  // namespace imgtrust::sigstore
