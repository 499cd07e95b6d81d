// containers-policy.json: parse_policy (first error), collect_policy_errors
// (every error) and lint_policy (errors plus warnings) on the same bytes.
#include "fuzz_support.hpp"

#include "imgtrust/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view json = imgtrust::fuzz::as_text(data, size);
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::parse_policy(json, "fuzz.json"); });
    (void)imgtrust::collect_policy_errors(json);
    (void)imgtrust::lint_policy(json, "fuzz.json");
    return 0;
}
