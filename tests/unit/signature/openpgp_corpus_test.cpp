// The OpenPGP engine corpus (tests/fixtures/openpgp, regenerate-openpgp.sh):
// every case gets the verdict its name gives, from gpgme and from RNP alike.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "imgtrust/errors.hpp"
#include "signature/openpgp_verifier.hpp"
#include "signature_fixtures.hpp"

using imgtrust::signature::OpenPgpVerifier;
using imgtrust::signature::SignatureRejected;
using namespace signature_test;

namespace {

std::vector<std::string> corpus_cases() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(fixture_path("openpgp")))
        if (entry.is_directory()) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// "accepted", or "rejected: <reason>".
std::string verdict_of(const OpenPgpVerifier& verifier, const std::string& signature) {
    RecordingRules recorder;
    try {
        verifier.verify(signature, recorder.rules());
        return "accepted";
    } catch (const SignatureRejected& rejected) {
        return std::string("rejected: ") + rejected.what();
    }
}

std::string run_case(const std::string& engine, const std::string& name) {
    auto verifier = imgtrust::signature::make_openpgp_verifier(engine, {read_fixture("openpgp/" + name + "/keys")});
    return verdict_of(*verifier, read_fixture("openpgp/" + name + "/signature"));
}

}  // namespace

TEST_CASE("every corpus case gets the verdict its name gives, from each engine") {
    const auto names = corpus_cases();
    REQUIRE(names.size() >= 30);
    for (const auto& name : names) {
        const std::string expected = name.substr(0, name.find('-'));
        REQUIRE((expected == "accepted" || expected == "rejected"));
        for (const auto& engine : built_engines()) {
            INFO(name << " with " << engine);
            const std::string verdict = run_case(engine, name);
            CHECK(verdict.substr(0, expected.size()) == expected);
            if (expected == "rejected") CHECK(verdict.size() > std::string("rejected: ").size());
        }
    }
}

TEST_CASE("the engines give the same reason words for keys that are expired or revoked") {
    for (const auto& engine : built_engines()) {
        INFO(engine);
        CHECK_THAT(run_case(engine, "rejected-expired-key"), Catch::Contains("key expired"));
        CHECK_THAT(run_case(engine, "rejected-revoked-key"), Catch::Contains("key revoked"));
        CHECK_THAT(run_case(engine, "rejected-unknown-key"), Catch::Contains("No public key"));
        CHECK_THAT(run_case(engine, "rejected-two-signatures"), Catch::Contains("Unexpected GPG signature count 2"));
    }
}

TEST_CASE("one engine verifies from several threads at once") {
    for (const auto& engine : built_engines()) {
        INFO(engine);
        auto verifier = imgtrust::signature::make_openpgp_verifier(engine, {read_fixture("openpgp/accepted-subkey/keys")});
        const std::string good = read_fixture("openpgp/accepted-subkey/signature");
        const std::string bad = read_fixture("openpgp/rejected-tampered-literal/signature");
        std::vector<std::string> verdicts(8);
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < verdicts.size(); ++i)
            threads.emplace_back([&, i] { verdicts[i] = verdict_of(*verifier, i % 2 ? bad : good).substr(0, 8); });
        for (auto& thread : threads) thread.join();
        for (std::size_t i = 0; i < verdicts.size(); ++i) CHECK(verdicts[i] == (i % 2 ? "rejected" : "accepted"));
    }
}
