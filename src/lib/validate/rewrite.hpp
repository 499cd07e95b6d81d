// --registry / --project: hangar's rewriting of every list entry before it is
// checked, so that a list written for the source registry can validate the
// mirror. Works on the text as written, as hangar does (so "nginx" with
// --registry reg.example becomes "reg.example/nginx", not ".../library/nginx").
#pragma once

#include <string>

#include "imgtrust/reference.hpp"
#include "imgtrust/validate.hpp"

namespace imgtrust::validate {

// Applies the overrides to a reference as written in the list (an optional
// "docker://" prefix is accepted and dropped). Pure text rewriting; see parse_list_reference.
std::string rewrite_reference_text(const std::string& reference_text, const ReferenceOverrides& overrides);

// Rewrites, then parses the result as a docker reference (ParseNormalizedNamed).
// Throws InvalidReferenceError naming what is wrong.
DockerReference parse_list_reference(const std::string& reference_text, const ReferenceOverrides& overrides);

// validate_overrides and ReferenceOverrides: include/imgtrust/validate.hpp.

}  // namespace imgtrust::validate
