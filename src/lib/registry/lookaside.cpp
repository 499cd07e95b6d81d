// Reading lookaside signature storage over file://, http:// and https://, as
// c/image's dockerImageSource.getOneSignature does.
#include "registry/lookaside.hpp"

#include <sys/stat.h>

#include <cctype>
#include <optional>

#include "imgtrust/errors.hpp"
#include "imgtrust/reference.hpp"
#include "util/bytes.hpp"

namespace imgtrust::registry {
namespace {

// A URL split as Go's net/url splits it, with the path percent-decoded.
struct ParsedUrl {
    std::string scheme;     // lowercase; empty when there is none
    std::string authority;  // between "//" and the path, raw
    bool has_authority = false;
    std::string path;       // decoded
    std::string query;      // raw, without "?"
};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(const std::string& text, const std::string& url) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0)
            throw FetchError("Invalid signature storage URL " + url + ": invalid URL escape");
        out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
        i += 2;
    }
    return out;
}

// Go's url.PathEscape-like escaping used by URL.EscapedPath.
std::string escape_path(const std::string& path) {
    static const std::string unescaped = "-_.~$&+,/:;=@";
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        if (std::isalnum(c) || unescaped.find(static_cast<char>(c)) != std::string::npos) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

std::string parse_scheme(std::string& rest) {
    for (std::size_t i = 0; i < rest.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(rest[i]);
        if (std::isalpha(c)) continue;
        if (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.')) continue;
        if (c != ':' || i == 0) return {};
        std::string scheme;
        for (char s : rest.substr(0, i)) scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(s)));
        rest.erase(0, i + 1);
        return scheme;
    }
    return {};
}

ParsedUrl parse_url(const std::string& url) {
    for (unsigned char c : url)
        if (c < 0x20 || c == 0x7f) throw FetchError("Invalid signature storage URL " + url + ": invalid control character in URL");
    ParsedUrl parsed;
    std::string rest = url.substr(0, url.find('#'));
    parsed.scheme = parse_scheme(rest);
    if (const auto question = rest.find('?'); question != std::string::npos) {
        parsed.query = rest.substr(question + 1);
        rest.resize(question);
    }
    if (rest.rfind("//", 0) == 0) {
        const auto slash = rest.find('/', 2);
        parsed.has_authority = true;
        parsed.authority = rest.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
        rest = slash == std::string::npos ? std::string() : rest.substr(slash);
    } else if (!parsed.scheme.empty() && rest.rfind('/', 0) != 0) {
        rest.clear();  // an opaque URL ("file:x"): Go keeps no path for it
    }
    parsed.path = percent_decode(rest, url);
    return parsed;
}

std::string format_url(const ParsedUrl& url) {
    std::string text = url.scheme.empty() ? std::string() : url.scheme + ":";
    if (url.has_authority) text += "//" + url.authority;
    text += escape_path(url.path);
    if (!url.query.empty()) text += "?" + url.query;
    return text;
}

}  // namespace

std::string redacted_url(const std::string& url) {
    const auto start = url.find("//");
    if (start == std::string::npos) return url;
    const auto end = url.find_first_of("/?#", start + 2);
    const auto at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at == std::string::npos || at < start) return url;
    const auto colon = url.find(':', start + 2);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "xxxxx" + url.substr(at);
}

std::string lookaside_signature_url(const std::string& base_url, const std::string& repository_path,
                                    const std::string& manifest_digest, std::size_t index) {
    try {
        validate_digest(manifest_digest);
    } catch (const InvalidReferenceError& e) {
        throw FetchError(std::string("lookaside signature URL: ") + e.what());
    }
    ParsedUrl url = parse_url(base_url);
    const auto colon = manifest_digest.find(':');
    url.path += "/" + repository_path + "@" + manifest_digest.substr(0, colon) + "=" + manifest_digest.substr(colon + 1) +
                "/signature-" + std::to_string(index);
    return format_url(url);
}

LookasideReader::LookasideReader(HttpEngine* engine, TlsSettings tls, std::chrono::milliseconds timeout,
                                 std::function<void(const std::string&)> debug_log,
                                 std::shared_ptr<const std::atomic<bool>> cancel)
    : engine_(engine), tls_(std::move(tls)), timeout_(timeout), debug_log_(std::move(debug_log)), cancel_(std::move(cancel)) {}

std::vector<std::string> LookasideReader::read(const std::string& base_url, const std::string& repository_path,
                                               const std::string& manifest_digest) const {
    std::vector<std::string> signatures;
    for (std::size_t index = 1;; ++index) {
        if (index > max_lookaside_signatures)
            throw FetchError("server provided " + std::to_string(max_lookaside_signatures) +
                             " signatures, assuming that's unreasonable and a server error");
        auto signature = read_one(lookaside_signature_url(base_url, repository_path, manifest_digest, index));
        if (!signature) break;
        signatures.push_back(std::move(*signature));
    }
    return signatures;
}

std::optional<std::string> LookasideReader::read_one(const std::string& url) const {
    const std::string scheme = parse_url(url).scheme;
    if (scheme == "file") return read_file_url(url);
    if (scheme == "http" || scheme == "https") return read_http_url(url);
    throw FetchError("Unsupported scheme when reading signature from " + redacted_url(url));
}

std::optional<std::string> LookasideReader::read_file_url(const std::string& url) const {
    const std::string path = parse_url(url).path;
    if (debug_log_) debug_log_("Reading " + path);
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        throw FetchError("reading signature " + path + ": is a directory");
    return util::read_file_bounded(path, max_lookaside_signature_bytes, "signature");
}

std::optional<std::string> LookasideReader::read_http_url(const std::string& url) const {
    if (debug_log_) debug_log_("GET " + redacted_url(url));
    if (!engine_) throw FetchError("reading signature from " + redacted_url(url) + ": no HTTP client available");
    HttpRequest request;
    request.url = url;
    request.max_body_bytes = max_lookaside_signature_bytes;
    request.follow_redirects = true;  // Go's http.Client follows them; no credentials are attached here
    request.timeout = timeout_;
    request.tls = tls_;
    request.cancel = cancel_;
    HttpResponse response = engine_->perform(std::move(request));
    if (response.status == 404) {
        if (debug_log_) debug_log_("... got status 404, as expected = end of signatures");
        return std::nullopt;
    }
    if (response.status != 200)
        throw FetchError("reading signature from " + redacted_url(url) + ": received unexpected HTTP status: " +
                         std::to_string(response.status));
    const auto type = response.headers.find("content-type");
    if (type != response.headers.end() && type->second.rfind("text/html", 0) == 0 && debug_log_)
        debug_log_("Signature " + redacted_url(url) + " has Content-Type " + type->second + ", unexpected for a signature");
    return std::move(response.body);
}

}  // namespace imgtrust::registry
