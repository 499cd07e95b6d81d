// policy/multi_arch_rule.cpp: the two rules on already-evaluated verdicts
// (the whole path through PolicyContext is tests/integration/multi_arch_rule.py).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "imgtrust/errors.hpp"
#include "policy/multi_arch_rule.hpp"

using namespace imgtrust;

namespace {

Verdict verdict(bool allowed) {
    Verdict v;
    v.allowed = allowed;
    v.manifest_digest = "sha256:instance";
    v.list_digest = "sha256:index";
    RequirementOutcome requirement;
    requirement.type = "signedBy";
    requirement.state = allowed ? RequirementOutcome::State::accepted : RequirementOutcome::State::rejected;
    requirement.reason = allowed ? "" : "A signature was required, but no signature exists";
    v.requirements.push_back(requirement);
    return v;
}

}  // namespace

TEST_CASE("multi-arch rule: platform never evaluates the index", "[multi-arch]") {
    int index_evaluations = 0;
    policy::IndexVerdict index([&] { ++index_evaluations; return verdict(true); });
    for (bool allowed : {true, false}) {
        Verdict instance = verdict(allowed);
        policy::apply_multi_arch_rule(MultiArchRule::platform, instance, index, {});
        CHECK(instance.allowed == allowed);
        CHECK(instance.multi_arch_rule == "platform");
        CHECK(instance.satisfied_by == (allowed ? "platform" : ""));
        CHECK_FALSE(instance.index_evaluated);
    }
    CHECK(index_evaluations == 0);
}

TEST_CASE("multi-arch rule: index-or-platform", "[multi-arch]") {
    int index_evaluations = 0;
    bool index_allowed = true;
    policy::IndexVerdict index([&] { ++index_evaluations; return verdict(index_allowed); });

    SECTION("an accepted instance needs no index") {
        Verdict instance = verdict(true);
        policy::apply_multi_arch_rule(MultiArchRule::index_or_platform, instance, index, {});
        CHECK((instance.allowed && instance.satisfied_by == "platform" && !instance.index_evaluated));
        CHECK(index_evaluations == 0);
    }
    SECTION("a rejected instance is allowed by an allowed index; the index is evaluated once for all instances") {
        std::vector<std::string> log;
        for (int i = 0; i < 2; ++i) {
            Verdict instance = verdict(false);
            policy::apply_multi_arch_rule(MultiArchRule::index_or_platform, instance, index,
                                          [&](const std::string& line) { log.push_back(line); });
            CHECK(instance.allowed);
            CHECK(instance.satisfied_by == "index");
            CHECK(instance.multi_arch_rule == "index-or-platform");
            CHECK((instance.index_evaluated && instance.index_allowed));
            REQUIRE(instance.requirements.size() == 1);  // the instance's own outcome stays
            CHECK(instance.requirements[0].state == RequirementOutcome::State::rejected);
        }
        CHECK(index_evaluations == 1);
        CHECK(log.size() == 2);
    }
    SECTION("both rejected: rejected, with the instance's reasons and the index's outcome") {
        index_allowed = false;
        Verdict instance = verdict(false);
        policy::apply_multi_arch_rule(MultiArchRule::index_or_platform, instance, index, {});
        CHECK_FALSE(instance.allowed);
        CHECK(instance.satisfied_by.empty());
        CHECK((instance.index_evaluated && !instance.index_allowed));
        CHECK(instance.index_requirements.size() == 1);
        CHECK(instance.requirements[0].reason == "A signature was required, but no signature exists");
    }
}

TEST_CASE("multi-arch rule: an error reading the index is not a rejection", "[multi-arch]") {
    policy::IndexVerdict index([]() -> Verdict { throw FetchError("reading the index's signatures: HTTP status 500"); });
    Verdict instance = verdict(false);
    CHECK_THROWS_AS(policy::apply_multi_arch_rule(MultiArchRule::index_or_platform, instance, index, {}), FetchError);
}

TEST_CASE("multi-arch rule: a single manifest", "[multi-arch]") {
    Verdict single = verdict(true);
    policy::record_single_manifest_rule(MultiArchRule::index_or_platform, single);
    CHECK(single.satisfied_by == "manifest");
    CHECK(single.multi_arch_rule == "index-or-platform");
    Verdict rejected = verdict(false);
    policy::record_single_manifest_rule(MultiArchRule::platform, rejected);
    CHECK(rejected.satisfied_by.empty());
    CHECK(multi_arch_rule_name(MultiArchRule::platform) == std::string("platform"));
}
