// JSON snippets for configuring fake_registry.py from the tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/bytes.hpp"

// {"status":…, "body_b64":…, "headers":{…}} plus raw extra members ("\"delay\":2").
inline std::string response_json(int status, const std::string& body = "",
                                 const std::map<std::string, std::string>& headers = {}, const std::string& extra = "") {
    std::string json = "{\"status\":" + std::to_string(status) + ",\"body_b64\":\"" + imgtrust::util::base64_encode(body) +
                       "\",\"headers\":{";
    bool first = true;
    for (const auto& [name, value] : headers) {
        json += (first ? "\"" : ",\"") + name + "\":\"" + value + "\"";
        first = false;
    }
    json += "}";
    if (!extra.empty()) json += "," + extra;
    return json + "}";
}

// {"routes":{path:[responses…], …}} with an optional raw "auth" member.
inline std::string routes_json(const std::map<std::string, std::vector<std::string>>& routes, const std::string& auth = "") {
    std::string json = "{\"routes\":{";
    bool first_route = true;
    for (const auto& [path, responses] : routes) {
        json += (first_route ? "\"" : ",\"") + path + "\":[";
        first_route = false;
        for (std::size_t i = 0; i < responses.size(); ++i) json += (i ? "," : "") + responses[i];
        json += "]";
    }
    json += "}";
    if (!auth.empty()) json += ",\"auth\":" + auth;
    return json + "}";
}

inline const std::string oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";

inline std::string sample_manifest(const std::string& marker = "a") {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
           std::string(64, marker[0] == 'a' ? 'a' : 'b') + R"(","size":2},"layers":[]})";
}
