// The raw floor for Sigstore bundle discovery through the referrers tag schema
// (a registry without the referrers API): per image exactly the requests
// imgtrust makes once it knows the API is missing, with the .sig probe:
//   manifest by tag → sha256 → GET sha256-<hex>.sig (a 404 is fine) →
//   GET sha256-<hex> (the referrers index) → first listed manifest → its first
//   layer blob (the bundle).
// N threads, each with one libcurl handle whose connection is reused. No
// parsing beyond finding two digests, no verification.
// Usage: raw-referrers-client BASE_URL LIST JOBS
//   LIST: one "repository:tag" per line. Prints "images=N failures=F seconds=S".
#include "raw_client.hpp"

namespace {

bool check_one(CURL* curl, const std::string& base, const std::string& line, std::string& body) {
    using raw_client::get;
    const auto colon = line.rfind(':');
    const std::string manifests = base + "/v2/" + line.substr(0, colon) + "/manifests/";
    const std::string blobs = base + "/v2/" + line.substr(0, colon) + "/blobs/";
    if (get(curl, manifests + line.substr(colon + 1), body) != 200) return false;
    const std::string hex = raw_client::sha256_hex(body);
    const long sig = get(curl, manifests + "sha256-" + hex + ".sig", body);
    if (sig != 200 && sig != 404) return false;
    if (get(curl, manifests + "sha256-" + hex, body) != 200) return false;
    const std::string referrer = raw_client::first_digest_in(body, "manifests");
    if (referrer.empty() || get(curl, manifests + referrer, body) != 200) return false;
    const std::string bundle = raw_client::first_digest_in(body, "layers");
    return !bundle.empty() && get(curl, blobs + bundle, body) == 200;
}

}  // namespace

int main(int argc, char** argv) { return raw_client::run(argc, argv, check_one); }
