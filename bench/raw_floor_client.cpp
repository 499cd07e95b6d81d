// The raw floor for `imgtrust validate`: the fewest requests a client needs to
// fetch what a cosign check reads (manifest by tag, sha256-<hex>.sig manifest,
// first signature blob), on N threads that each keep one connection open.
// No verification at all. Usage: raw-floor-client BASE_URL LIST JOBS
//   LIST: one "repository:tag" per line. Prints "images=N failures=F seconds=S".
#include "raw_client.hpp"

namespace {

bool check_one(CURL* curl, const std::string& base, const std::string& line, std::string& body) {
    using raw_client::get;
    const auto colon = line.rfind(':');
    const std::string repository = line.substr(0, colon), tag = line.substr(colon + 1);
    if (get(curl, base + "/v2/" + repository + "/manifests/" + tag, body) != 200) return false;
    const std::string signature_tag = "sha256-" + raw_client::sha256_hex(body) + ".sig";
    if (get(curl, base + "/v2/" + repository + "/manifests/" + signature_tag, body) != 200) return false;
    const std::string layer = raw_client::first_digest_in(body, "layers");
    return !layer.empty() && get(curl, base + "/v2/" + repository + "/blobs/" + layer, body) == 200;
}

}  // namespace

int main(int argc, char** argv) { return raw_client::run(argc, argv, check_one); }
