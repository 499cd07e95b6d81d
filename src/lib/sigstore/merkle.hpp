// RFC 6962 / RFC 9162 Merkle trees over SHA-256, as Rekor and CT logs build them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imgtrust::sigstore {

// MTH({d(0)}) = SHA-256(0x00 || d(0))
std::string merkle_leaf_hash(std::string_view leaf);
// SHA-256(0x01 || left || right)
std::string merkle_node_hash(std::string_view left, std::string_view right);

// RFC 9162 §2.1.3.2 "Verifying an Inclusion Proof": recomputes the root from
// `leaf_hash` at `leaf_index` in a tree of `tree_size` leaves and compares it
// with `root_hash`. Throws signature::SignatureRejected naming the failure
// (index outside the tree, wrong number of hashes, wrong hash length, root mismatch).
void verify_inclusion_proof(std::uint64_t leaf_index, std::uint64_t tree_size, std::string_view leaf_hash,
                            const std::vector<std::string>& proof, std::string_view root_hash);

}  // namespace imgtrust::sigstore
