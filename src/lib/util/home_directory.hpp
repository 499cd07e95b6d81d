// The user's home directory, as containers/storage's homedir.Get finds it
// (and so c/image, for policy.json, registries.d, auth files and certs.d).
#pragma once

#include <string>

namespace imgtrust::util {

// $HOME if it is set and non-empty; else the home directory of the real user
// in the password database (getpwuid_r, so safe on worker threads); else ""
// (no home at all: callers then skip their per-user paths).
std::string home_directory();

}  // namespace imgtrust::util
