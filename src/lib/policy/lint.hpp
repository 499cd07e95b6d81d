// `imgtrust policy lint` is declared in the public header
// (imgtrust::lint_policy in include/imgtrust/policy.hpp) and implemented in lint.cpp.
#pragma once

#include "imgtrust/policy.hpp"

namespace imgtrust::policy {
using imgtrust::lint_policy;
}  // namespace imgtrust::policy
