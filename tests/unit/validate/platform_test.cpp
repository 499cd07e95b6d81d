#include <catch2/catch.hpp>

#include "validate/image_validator.hpp"

using namespace imgtrust;
using namespace imgtrust::validate;

TEST_CASE("platform filter: --arch (optionally arch/variant) and --os") {
    PlatformFilter filter;  // amd64,arm64 on linux
    CHECK(platform_selected(filter, {"sha256:a", "", "linux", "amd64", ""}));
    CHECK(platform_selected(filter, {"sha256:a", "", "linux", "arm64", "v8"}));
    CHECK_FALSE(platform_selected(filter, {"sha256:a", "", "linux", "s390x", ""}));
    CHECK_FALSE(platform_selected(filter, {"sha256:a", "", "windows", "amd64", ""}));
    PlatformFilter arm{{"arm/v7"}, {"linux"}};
    CHECK(platform_selected(arm, {"sha256:a", "", "linux", "arm", "v7"}));
    CHECK_FALSE(platform_selected(arm, {"sha256:a", "", "linux", "arm", "v6"}));
}
