// The docker/reference grammar as predicates over whole strings, written by hand
// (no std::regex). Each function answers "does the entire text match this
// production?", exactly as c/image's anchored regular expressions do:
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain "/"] path-component ["/" path-component]*
//   domain           := domain-component ["." domain-component]* [":" port-number]
//   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
//   port-number      := [0-9]+
//   path-component   := alphanumeric [separator alphanumeric]*
//   alphanumeric     := [a-z0-9]+
//   separator        := [_.] | "__" | "-"+
//   tag              := [\w][\w.-]{0,127}
//   digest           := algorithm ":" [0-9a-fA-F]{32,}
//   algorithm        := [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*
//
// Like c/image's docker/reference (and unlike newer distribution/reference),
// the domain has no bracketed IPv6 form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::reference {

bool is_path_component(std::string_view text);
bool is_domain(std::string_view text);
bool is_tag(std::string_view text);
// The reference grammar's digest production (not go-digest's validation).
bool matches_digest_pattern(std::string_view text);
// 64 lowercase hex digits: an image ID, which is never a repository name.
bool is_full_identifier(std::string_view text);

// name := [domain "/"] path-component ["/" path-component]*. When the first
// component is a valid domain and more components follow, it is the domain
// (the regular expression's greedy choice); otherwise domain is empty.
struct SplitName {
    std::string_view domain;
    std::string_view path;
};
std::optional<SplitName> split_name(std::string_view name);

// The three parts of a reference string, located structurally: the digest
// follows the first '@', the tag follows a ':' after the last '/' of what
// precedes it. The parts are not validated.
struct ReferenceParts {
    std::string_view name;
    std::optional<std::string_view> tag;
    std::optional<std::string_view> digest;
};
ReferenceParts locate_reference_parts(std::string_view text);

// Why `text` does not match the reference grammar, in a few words
// ("empty path component", "invalid tag \"-x\"", ...); empty if it matches.
std::string reference_grammar_violation(std::string_view text);

}  // namespace imgtrust::reference
