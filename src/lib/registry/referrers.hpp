// The pure parts of OCI 1.1 referrers discovery (distribution-spec "Listing
// Referrers", "Unavailable Referrers API", "Referrers Tag Schema"): the tag
// name, Link pagination, OCI-Filters-Applied, and which answers mean that the
// registry has no referrers API. No I/O; RepositoryClient::list_referrers uses them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::registry {

// Pages of one referrers listing read at most (each at most 4 MiB). A registry
// that links to more fails the listing: the images' signatures cannot be read.
inline constexpr std::size_t max_referrers_pages = 16;
inline constexpr std::size_t max_link_header_bytes = 8 * 1024;
inline constexpr std::string_view oci_index_content_type = "application/vnd.oci.image.index.v1+json";

// "The Referrers Tag associated with a Content Digest MUST match the Truncated
// Algorithm, a `-` character, and the Truncated Encoded section, with any
// characters not allowed by `<tag-or-digest>` tags replaced with `-`":
// the algorithm truncated to 32 characters, the encoded part to 64.
std::string referrers_tag(std::string_view digest);

// The URI-reference of the first link with relation type "next" in a Link
// header (RFC 8288: `<target>; rel="next"`, several comma-separated links,
// rel as a token or a quoted list of space-separated types, any case).
// nullopt: no such link, or a header longer than max_link_header_bytes.
std::optional<std::string> link_next_target(std::string_view header);

// The request path (with its query) for a next-page link, resolved against the
// listing's first request: an absolute path, a query ("?…"), or an http(s) or
// network-path ("//…") URL whose authority is `endpoint_host`. The path, once
// percent-decoded, must equal `referrers_path`'s: a registry cannot send the
// client to another host, another repository or another endpoint. nullopt when
// the link does not qualify (or holds spaces, controls or user information).
std::optional<std::string> next_page_request_path(std::string_view target, std::string_view endpoint_host,
                                                  std::string_view referrers_path);

// "If filtering is requested and applied, the response MUST include a header
// `OCI-Filters-Applied: artifactType`" (a comma-separated list when several
// filters apply): whether the header's value lists artifactType.
bool artifact_type_filter_applied(std::string_view header_value);

// Whether an answer to GET /v2/<name>/referrers/<digest> means that the
// registry does not offer the API, so the client falls back to the tag schema:
// 404 ("the registry MUST NOT return a 404 Not Found to a referrers API
// request" if it supports it; "a client ... receiving a 404 Not Found MUST
// fallback"), and, as go-containerregistry also reads them, 400, 405 and 406 and
// a 200 whose Content-Type is not the OCI image index (a route the registry does
// not know, answered by a catch-all page).
bool referrers_api_missing(long status, std::string_view content_type);

}  // namespace imgtrust::registry
