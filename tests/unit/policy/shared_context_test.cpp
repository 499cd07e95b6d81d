// One PolicyContext shared by many threads (issue 16 item 1): every verdict
// from 16 threads equals the single-threaded one, with both OpenPGP engines
// and sigstoreSigned on the dir: and oci: fixture images; trust is loaded at
// construction and a bad key is reported then, failing only the requirement
// that names it; evaluate(image) reaches registries through one Client.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <thread>

#include "fixtures.hpp"
#include "imgtrust/client.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"
#include "registry/fake_registry.hpp"
#include "registry/pool_test_support.hpp"
#include "registry/registry_test_support.hpp"
#include "signature/signature_fixtures.hpp"

using namespace imgtrust;

namespace {

std::string image_path(const std::string& name) { return std::filesystem::canonical(fixture_path("images/" + name)).string(); }

std::string key_path(const std::string& name) { return std::filesystem::canonical(fixture_path("keys/" + name)).string(); }

const std::string app_identity = R"({"type": "exactReference", "dockerReference": "registry.example.com/app:v1"})";

std::string signed_by_json(const std::string& key) {
    return R"({"type": "signedBy", "keyType": "GPGKeys", "keyPath": ")" + key + R"(", "signedIdentity": )" + app_identity + "}";
}

std::string sigstore_json(const std::string& key) {
    return R"({"type": "sigstoreSigned", "keyPath": ")" + key + R"(", "signedIdentity": )" + app_identity + "}";
}

std::string dir_scope(const std::string& image, const std::string& requirements) {
    return "\"" + image_path(image) + "\": [" + requirements + "]";
}

// default: sigstoreSigned (ecdsa-p256); dir: scopes with signedBy (gpg-primary-only), or both.
Policy mixed_policy() {
    const std::string gpg = signed_by_json(key_path("gpg-primary-only.gpg"));
    const std::string sigstore = sigstore_json(key_path("ecdsa-p256.pub"));
    const std::string json = R"({"default": [)" + sigstore + R"(], "transports": {"dir": {)" +
                             dir_scope("gpg-valid-app-v1", gpg) + "," + dir_scope("gpg-other-key-app-v1", gpg) + "," +
                             dir_scope("gpg-tampered-signature", gpg) + "," + dir_scope("unsigned", gpg) + "," +
                             dir_scope("mixed-gpg-then-sigstore", gpg + "," + sigstore) + "}}}";
    return parse_policy(json, "shared context policy");
}

struct ImageCase {
    std::string reference;
    bool allowed;
};

const std::vector<ImageCase>& image_cases() {
    static const std::vector<ImageCase> cases = {
        {"dir:" + image_path("gpg-valid-app-v1"), true},
        {"dir:" + image_path("gpg-other-key-app-v1"), false},
        {"dir:" + image_path("gpg-tampered-signature"), false},
        {"dir:" + image_path("unsigned"), false},
        {"dir:" + image_path("mixed-gpg-then-sigstore"), true},
        {"dir:" + image_path("sigstore-ecdsa-p256-app-v1"), true},
        {"dir:" + image_path("sigstore-tampered-signature"), false},
        {"dir:" + image_path("sigstore-other-then-valid"), true},
        {"oci:" + image_path("oci-cosign-other-then-valid") + ":v1", true},
        {"oci:" + image_path("oci-cosign-tampered-signature") + ":v1", false},
    };
    return cases;
}

// Everything a verdict says that must not depend on the thread that made it.
std::string describe(const Verdict& verdict) {
    std::string text = verdict.image + " " + verdict.transport_scope + " " + verdict.manifest_digest +
                       (verdict.allowed ? " allowed" : " denied") + " " + verdict.reason + "\n";
    for (const auto& requirement : verdict.requirements) {
        text += "  " + requirement.type + " " + std::to_string(static_cast<int>(requirement.state)) + " " +
                rejection_kind_name(requirement.rejection_kind) + " " + requirement.reason + "\n";
        for (const auto& signature : requirement.signatures)
            text += "    " + std::to_string(signature.index) + " " + signature.format + (signature.accepted ? " ok " : " no ") +
                    rejection_kind_name(signature.rejection_kind) + " " + signature.key_fingerprint + " " +
                    signature.signed_identity + " " + signature.reason + "\n";
    }
    return text;
}

EvaluationOptions engine_options(const std::string& engine) {
    EvaluationOptions options;
    options.openpgp_engine = engine;
    return options;
}

}  // namespace

TEST_CASE("one PolicyContext evaluated from 16 threads gives the single-threaded verdicts", "[shared-context]") {
    for (const std::string& engine : signature_test::built_engines()) {
        INFO("engine " << engine);
        const PolicyContext context(mixed_policy(), engine_options(engine));
        REQUIRE(context.trust_problems().empty());
        const Client shared_client;
        std::vector<std::unique_ptr<ImageReference>> images;
        std::vector<std::string> expected;
        for (const auto& image_case : image_cases()) {
            images.push_back(parse_image_reference(image_case.reference));
            const Verdict verdict = context.evaluate(*images.back());
            INFO(describe(verdict));
            CHECK(verdict.allowed == image_case.allowed);
            expected.push_back(describe(verdict));
        }
        // gpgme starts a gpg process per verification: fewer rounds keep the test to a few seconds.
        const int rounds = engine == "gpgme" ? 1 : 4;
        std::vector<std::vector<std::string>> seen(16);
        std::vector<std::string> errors(16);
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < seen.size(); ++t)
            threads.emplace_back([&, t] {
                try {
                    for (int round = 0; round < rounds; ++round)
                        for (std::size_t i = 0; i < images.size(); ++i) {
                            const std::size_t which = (i + t) % images.size();  // threads start on different images
                            const Verdict verdict =
                                t % 2 ? context.evaluate(*images[which], shared_client) : context.evaluate(*images[which]);
                            if (describe(verdict) != expected[which]) seen[t].push_back(describe(verdict));
                        }
                } catch (const std::exception& e) {
                    errors[t] = e.what();
                }
            });
        for (auto& thread : threads) thread.join();
        for (std::size_t t = 0; t < seen.size(); ++t) {
            INFO("thread " << t);
            CHECK(errors[t].empty());
            CHECK(seen[t].empty());
            for (const auto& different : seen[t]) INFO(different);
        }
    }
}

TEST_CASE("a key that cannot be loaded is reported at construction and fails only its requirement", "[shared-context]") {
    const std::string missing_key = "/nonexistent/imgtrust-test/missing.gpg";
    const std::string json =
        R"({"default": [)" + sigstore_json(key_path("ecdsa-p256.pub")) + R"(], "transports": {"dir": {)" +
        dir_scope("gpg-valid-app-v1", signed_by_json(missing_key)) + "," +
        dir_scope("unsigned", sigstore_json(key_path("not-a-key.pub"))) + "," +
        dir_scope("gpg-other-key-app-v1", R"({"type": "reject"}, )" + signed_by_json(missing_key)) + "," +
        dir_scope("gpg-tampered-signature",
                  R"({"type": "signedBy", "keyType": "signedByX509CAs", "keyPath": ")" + missing_key +
                      R"(", "signedIdentity": {"type": "matchRepository"}})") +
        "}}}";
    for (const std::string& engine : signature_test::built_engines()) {
        INFO("engine " << engine);
        const PolicyContext context(parse_policy(json, "bad key policy"), engine_options(engine));
        const auto problems = context.trust_problems();
        REQUIRE(problems.size() == 3);  // the signedByX509CAs requirement reads no key, as c/image
        std::map<std::string, std::string> message_at;
        for (const auto& problem : problems) {
            CHECK(problem.severity == PolicyDiagnostic::Severity::error);
            message_at[problem.location] = problem.message;
        }
        const std::string bad_gpg_location = "transports.dir[\"" + image_path("gpg-valid-app-v1") + "\"][0]";
        const std::string bad_sigstore_location = "transports.dir[\"" + image_path("unsigned") + "\"][0]";
        REQUIRE(message_at.count(bad_gpg_location));
        REQUIRE(message_at.count(bad_sigstore_location));
        CHECK_THAT(message_at[bad_gpg_location], Catch::Contains(missing_key));

        // Another scope is unaffected: the default scope accepts its image.
        CHECK(context.evaluate(*parse_image_reference("dir:" + image_path("sigstore-ecdsa-p256-app-v1"))).allowed);
        // A bad requirement after one that denies is never reached: a plain rejection.
        const Verdict rejected = context.evaluate(*parse_image_reference("dir:" + image_path("gpg-other-key-app-v1")));
        CHECK_FALSE(rejected.allowed);
        CHECK(rejected.requirements.at(0).rejection_kind == RejectionKind::policy_reject);
        // A key type that reads no key rejects every signature, as before.
        CHECK_FALSE(context.evaluate(*parse_image_reference("dir:" + image_path("gpg-tampered-signature"))).allowed);
        // Evaluating the bad requirement throws the recorded ConfigError, every time.
        for (int attempt = 0; attempt < 2; ++attempt) {
            try {
                context.evaluate(*parse_image_reference("dir:" + image_path("gpg-valid-app-v1")));
                FAIL("no ConfigError");
            } catch (const ConfigError& e) {
                CHECK(std::string(e.what()) == message_at[bad_gpg_location]);
            }
            try {
                context.evaluate(*parse_image_reference("dir:" + image_path("unsigned")));
                FAIL("no ConfigError");
            } catch (const ConfigError& e) {
                CHECK(std::string(e.what()) == message_at[bad_sigstore_location]);
            }
        }

        EvaluationOptions strict = engine_options(engine);
        strict.fail_on_trust_problems = true;
        try {
            PolicyContext refused(parse_policy(json, "bad key policy"), strict);
            FAIL("fail_on_trust_problems did not throw");
        } catch (const ConfigError& e) {
            CHECK(std::string(e.what()) == problems.front().message);
        }
    }
}

TEST_CASE("all trust loads at construction: a good policy has no trust problems", "[shared-context]") {
    EvaluationOptions strict;
    strict.fail_on_trust_problems = true;
    const PolicyContext context(mixed_policy(), strict);
    CHECK(context.trust_problems().empty());
    CHECK(context.options().system.pool != nullptr);  // the context's own Client, made once
}

TEST_CASE("evaluate(image) reuses the context's Client: one token fetch for two evaluations", "[shared-context]") {
    using namespace imgtrust::registry::testing;
    FakeRegistry server;
    const std::string manifest = sample_manifest();
    server.configure(routes_json({{manifest_route("team/app", "v1"), {response_json(200, manifest, {{"Content-Type", oci_manifest_type}})}}},
                                 bearer_auth(server)));
    const std::filesystem::path empty_registries_d = std::filesystem::temp_directory_path() / ("imgtrust-shared-context-registries.d-" + std::to_string(::getpid()));
    std::filesystem::create_directories(empty_registries_d);
    EvaluationOptions options;
    options.system = test_context();
    options.system.registries_d = empty_registries_d.string();
    const PolicyContext context(parse_policy(R"({"default": [{"type": "insecureAcceptAnything"}]})", "inline"), options);
    const auto image = parse_image_reference("docker://" + server.host() + "/team/app:v1");

    CHECK(context.evaluate(*image).allowed);
    CHECK(context.evaluate(*image).allowed);
    CHECK(context.evaluate_all_instances(*image).at(0).allowed);
    CHECK(server.count("/token") == 1);  // a pool per call would fetch a token each time

    const Client other(options.system);  // a Client of the caller's: its own pool, its own token
    CHECK(context.evaluate(*image, other).allowed);
    CHECK(context.evaluate(*image, other).allowed);
    CHECK(server.count("/token") == 2);
    std::filesystem::remove_all(empty_registries_d);
}
