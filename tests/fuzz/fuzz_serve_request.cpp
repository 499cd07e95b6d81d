// serve --stdio request lines (include/imgtrust/serve.hpp): the strict
// request parse, base64, signature-file recognition and, for well-formed
// verify-preloaded requests, the whole evaluation. Every input must get one
// response line that is a JSON object; nothing may reach the network (the
// context's Client is cancelled, so a docker:// verify fails at once).
#include "fuzz_support.hpp"

#include <memory>

#include "imgtrust/client.hpp"
#include "imgtrust/serve.hpp"
#include "util/untrusted_json.hpp"

namespace {

const imgtrust::StdioServer& server() {
    static const auto client = [] {
        auto made = std::make_shared<const imgtrust::Client>();
        made->cancel();
        return made;
    }();
    static const imgtrust::StdioServer instance = [] {
        const std::string policy = R"({"default": [{"type": "sigstoreSigned", "keyPath": ")" + std::string(IMGTRUST_FUZZ_FIXTURES) +
                                   R"(/keys/ecdsa-p256.pub"}]})";
        imgtrust::EvaluationOptions options;
        options.system = client->system_context();
        auto context = std::make_shared<const imgtrust::PolicyContext>(imgtrust::parse_policy(policy, "fuzz"), options);
        return imgtrust::StdioServer(context, client);
    }();
    return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string response = server().handle_request(imgtrust::fuzz::as_text(data, size));
    rapidjson::Document document;
    if (response.find('\n') != std::string::npos || imgtrust::util::parse_untrusted_json(response, document) ||
        !document.IsObject() || !document.HasMember("id") || (document.HasMember("result") == document.HasMember("error")))
        std::abort();  // not one response line of the documented shape
    return 0;
}
