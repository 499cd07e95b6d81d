// RFC 9162 inclusion proofs, checked against trees and audit paths built here
// from RFC 6962's recursive definitions (MTH and PATH), independently of the
// iterative verifier under test.
#include <openssl/sha.h>

#include <catch2/catch.hpp>

#include "signature/rejection.hpp"
#include "sigstore/merkle.hpp"

using imgtrust::signature::SignatureRejected;
using imgtrust::sigstore::verify_inclusion_proof;

namespace {

std::string sha256(const std::string& bytes) {
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
    return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::size_t split_point(std::size_t n) {  // the largest power of two smaller than n
    std::size_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
}

// RFC 6962 §2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)); MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
std::string mth(const std::vector<std::string>& leaves, std::size_t begin, std::size_t end) {
    if (end - begin == 1) return sha256(std::string(1, '\0') + leaves[begin]);
    std::size_t k = split_point(end - begin);
    return sha256(std::string(1, '\1') + mth(leaves, begin, begin + k) + mth(leaves, begin + k, end));
}

// RFC 6962 §2.1.1: PATH(m, D[n]).
std::vector<std::string> path(std::size_t m, const std::vector<std::string>& leaves, std::size_t begin, std::size_t end) {
    if (end - begin == 1) return {};
    std::size_t k = split_point(end - begin);
    std::vector<std::string> result;
    if (m < k) {
        result = path(m, leaves, begin, begin + k);
        result.push_back(mth(leaves, begin + k, end));
    } else {
        result = path(m - k, leaves, begin + k, end);
        result.push_back(mth(leaves, begin, begin + k));
    }
    return result;
}

std::vector<std::string> make_leaves(std::size_t n) {
    std::vector<std::string> leaves;
    for (std::size_t i = 0; i < n; ++i) leaves.push_back("leaf " + std::to_string(i));
    return leaves;
}

std::string leaf_hash(const std::string& leaf) { return sha256(std::string(1, '\0') + leaf); }

}  // namespace

TEST_CASE("merkle: every leaf of trees of 1 to 17 leaves proves its inclusion") {
    for (std::size_t n = 1; n <= 17; ++n) {
        auto leaves = make_leaves(n);
        std::string root = mth(leaves, 0, n);
        for (std::size_t m = 0; m < n; ++m) {
            INFO("tree size " << n << ", leaf " << m);
            CHECK_NOTHROW(verify_inclusion_proof(m, n, leaf_hash(leaves[m]), path(m, leaves, 0, n), root));
        }
    }
}

TEST_CASE("merkle: the leaf hash is SHA-256(0x00 || leaf), a node SHA-256(0x01 || left || right)") {
    CHECK(imgtrust::sigstore::merkle_leaf_hash("x") == leaf_hash("x"));
    CHECK(imgtrust::sigstore::merkle_node_hash("a", "b") == sha256("\x01" "ab"));
}

TEST_CASE("merkle: a proof for the wrong index is rejected") {
    auto leaves = make_leaves(11);
    std::string root = mth(leaves, 0, 11);
    auto proof = path(5, leaves, 0, 11);
    for (std::size_t wrong : {4u, 6u, 10u}) CHECK_THROWS_AS(verify_inclusion_proof(wrong, 11, leaf_hash(leaves[5]), proof, root), SignatureRejected);
    CHECK_THROWS_WITH(verify_inclusion_proof(11, 11, leaf_hash(leaves[5]), proof, root), Catch::Contains("outside a tree of size 11"));
}

TEST_CASE("merkle: a corrupted proof hash, leaf or root is rejected") {
    auto leaves = make_leaves(9);
    std::string root = mth(leaves, 0, 9);
    auto proof = path(3, leaves, 0, 9);
    for (std::size_t i = 0; i < proof.size(); ++i) {
        auto corrupted = proof;
        corrupted[i][7] ^= 0x01;
        CHECK_THROWS_WITH(verify_inclusion_proof(3, 9, leaf_hash(leaves[3]), corrupted, root), Catch::Contains("does not match the expected root hash"));
    }
    CHECK_THROWS_AS(verify_inclusion_proof(3, 9, leaf_hash("another leaf"), proof, root), SignatureRejected);
    std::string other_root = root;
    other_root[0] ^= 0x40;
    CHECK_THROWS_AS(verify_inclusion_proof(3, 9, leaf_hash(leaves[3]), proof, other_root), SignatureRejected);
    auto short_hash = proof;
    short_hash[0].pop_back();
    CHECK_THROWS_WITH(verify_inclusion_proof(3, 9, leaf_hash(leaves[3]), short_hash, root), Catch::Contains("not 32 bytes"));
}

TEST_CASE("merkle: a proof checked against the wrong tree size is rejected") {
    // (A leaf inside a complete left subtree has the same path in every tree
    // size up to the next power of two: the signed checkpoint pins the size.
    // The last leaf of an unbalanced tree does not.)
    auto leaves = make_leaves(11);
    std::string root = mth(leaves, 0, 11);
    auto proof = path(10, leaves, 0, 11);
    for (std::size_t size : {10u, 12u, 13u, 16u, 100u}) {
        INFO("size " << size);
        CHECK_THROWS_AS(verify_inclusion_proof(10, size, leaf_hash(leaves[10]), proof, root), SignatureRejected);
    }
}

TEST_CASE("merkle: too many or too few proof hashes are rejected") {
    auto leaves = make_leaves(6);
    std::string root = mth(leaves, 0, 6);
    auto proof = path(2, leaves, 0, 6);
    auto longer = proof;
    longer.push_back(root);
    CHECK_THROWS_WITH(verify_inclusion_proof(2, 6, leaf_hash(leaves[2]), longer, root), Catch::Contains("more hashes"));
    auto shorter = proof;
    shorter.pop_back();
    CHECK_THROWS_WITH(verify_inclusion_proof(2, 6, leaf_hash(leaves[2]), shorter, root), Catch::Contains("fewer hashes"));
}
