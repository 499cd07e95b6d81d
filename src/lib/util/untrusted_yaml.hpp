// The one gateway for YAML from outside the process (registries.d, and
// tls-details files as they arrive). yaml-cpp's parser and its node tree
// recurse once per nesting level, so a 10^6-level `docker: [[[...]]]` takes
// seconds and hundreds of MB before failing (or overflows the stack). The size
// and the nesting depth are therefore checked here, by a linear scan, before
// yaml-cpp sees a byte.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "imgtrust/errors.hpp"

namespace imgtrust::util {

// registries.d nests three levels (docker: scope: key: value); no legitimate
// configuration comes near this.
inline constexpr std::size_t max_yaml_depth = 64;

struct YamlLimits {
    std::size_t max_bytes = 4 * 1024 * 1024;
    std::size_t max_depth = max_yaml_depth;
};

// A document over one of the limits. The message says which, and where.
class YamlLimitError : public ConfigError {
public:
    using ConfigError::ConfigError;
};

// Why `text` exceeds `limits`, or nullopt. The depth counted is the block
// nesting (each indentation level and each compact "- "/"? "/": " indicator)
// plus the flow nesting ('[' and '{' outside quoted scalars, comments and block
// scalars): an over-estimate never an under-estimate of yaml-cpp's recursion.
std::optional<std::string> yaml_limit_violation(std::string_view text, const YamlLimits& limits = {});

// yaml_limit_violation, then YAML::Load. Throws YamlLimitError for a document
// over the limits, and lets yaml-cpp's YAML::Exception through for bad syntax.
YAML::Node load_untrusted_yaml(std::string_view text, const YamlLimits& limits = {});

}  // namespace imgtrust::util
