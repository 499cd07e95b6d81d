// Passwords for cosign key files, as cosign reads them: the COSIGN_PASSWORD
// environment variable when it is set (even empty), else a prompt on the
// controlling terminal with echo off. Shared by generate-key and sign.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace imgtrust::cli {

// A password source for `what` (e.g. "cosign.key"), called at most once per
// use. With `confirm`, a terminal prompt asks twice and throws ConfigError if
// the two differ. Without COSIGN_PASSWORD and without a terminal it throws
// ConfigError ("set COSIGN_PASSWORD or run on a terminal"), which the CLI maps
// to exit 2.
std::function<std::string()> cosign_password_source(std::string_view what, bool confirm);

}  // namespace imgtrust::cli
