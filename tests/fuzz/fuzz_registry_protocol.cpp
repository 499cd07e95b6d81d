// What a registry (or the token server it names) sends back, before any
// trust: WWW-Authenticate challenges, token responses, JSON error bodies,
// Retry-After values and Content-Type headers. Every parser sees the same
// bytes; the clock is fixed so that a finding replays.
#include "fuzz_support.hpp"

#include <chrono>

#include "registry/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    const std::string header(text);
    // 2026-12-01T00:00:00Z
    const std::chrono::system_clock::time_point now{std::chrono::seconds(1796083200)};
    (void)imgtrust::registry::parse_www_authenticate(text);
    (void)imgtrust::registry::parse_bearer_token(text, now);
    (void)imgtrust::registry::parse_registry_errors(text);
    (void)imgtrust::registry::parse_retry_after(header, now);
    (void)imgtrust::registry::simplify_content_type(header);
    (void)imgtrust::registry::percent_encode(text);
    return 0;
}
