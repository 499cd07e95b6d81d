// DSSE pre-authentication encoding and in-toto statements.
#include <catch2/catch.hpp>

#include "signature/rejection.hpp"
#include "sigstore/dsse.hpp"

using imgtrust::signature::SignatureRejected;
using imgtrust::sigstore::dsse_pae;
using imgtrust::sigstore::parse_in_toto_statement;

TEST_CASE("dsse: PAE follows the protocol's test vector") {
    // secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world")
    CHECK(dsse_pae("http://example.com/HelloWorld", "hello world") == "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    CHECK(dsse_pae("", "") == "DSSEv1 0  0 ");
    CHECK(dsse_pae("t", std::string("a\0b", 3)) == std::string("DSSEv1 1 t 3 a\0b", 16));
}

TEST_CASE("dsse: an in-toto statement gives its predicate type and subjects") {
    auto statement = parse_in_toto_statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a.txt","digest":{"sha256":")"
                                             R"(a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf","gitCommit":"abc"}}],)"
                                             R"("predicateType":"https://slsa.dev/provenance/v1","predicate":{}})");
    CHECK(statement.predicate_type == "https://slsa.dev/provenance/v1");
    REQUIRE(statement.subjects.size() == 1);
    CHECK(statement.subjects[0].name == "a.txt");
    REQUIRE(statement.subjects[0].digests.size() == 1);
    CHECK(statement.subjects[0].digests[0].string() == "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf");
}

TEST_CASE("dsse: payloads that are not in-toto statements are rejected") {
    for (const char* payload : {"not json", "[]", R"({"_type":"https://example.com/Other","subject":[{"digest":{}}],"predicateType":"p"})",
                                R"({"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"})",
                                R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p"})",
                                R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ABC"}}],"predicateType":"p"})",
                                R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x"}],"predicateType":"p"})"}) {
        INFO(payload);
        CHECK_THROWS_AS(parse_in_toto_statement(payload), SignatureRejected);
    }
}
