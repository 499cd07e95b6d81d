// `imgtrust validate -f LIST`: the list is read entry by entry, each entry is
// rewritten with and without --registry/--project and parsed as a docker
// reference; each entry is also tried as a --timeout duration.
#include "fuzz_support.hpp"

#include <sstream>

#include "validate/duration.hpp"
#include "validate/image_list.hpp"
#include "validate/rewrite.hpp"

namespace {

void check_entry(const std::string& reference_text) {
    static const imgtrust::validate::ReferenceOverrides none{};
    static const imgtrust::validate::ReferenceOverrides mirror{"mirror.example.com:5000", "team"};
    for (const auto* overrides : {&none, &mirror}) {
        (void)imgtrust::validate::rewrite_reference_text(reference_text, *overrides);
        imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::validate::parse_list_reference(reference_text, *overrides); });
    }
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::validate::parse_go_duration(reference_text); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(imgtrust::fuzz::as_text(data, size));
    std::istringstream list(text);
    imgtrust::validate::ImageListReader reader(list);
    while (const auto entry = reader.next()) check_entry(entry->reference_text);
    std::istringstream again(text);
    (void)imgtrust::validate::count_entries(again);
    return 0;
}
