// An output file written next to its final name and renamed into place at
// the end, so that `-f sign-failed.txt -o sign-failed.txt` reads the old list
// while writing the new one, and a failed run leaves old files untouched.
// Used by validate and report merge.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "imgtrust/errors.hpp"

namespace imgtrust::cli {

class StagedOutput {
public:
    explicit StagedOutput(std::string path) : path_(std::move(path)), staging_(path_ + ".tmp-" + std::to_string(getpid())) {
        out_.open(staging_, std::ios::binary | std::ios::trunc);
        if (!out_) throw ConfigError("cannot write " + staging_);
    }
    ~StagedOutput() {
        if (!committed_) std::remove(staging_.c_str());
    }
    StagedOutput(const StagedOutput&) = delete;
    StagedOutput& operator=(const StagedOutput&) = delete;

    std::ostream& stream() { return out_; }
    const std::string& staging_path() const { return staging_; }
    void commit() {
        out_.close();
        if (!out_ || std::rename(staging_.c_str(), path_.c_str()) != 0) throw ConfigError("cannot write " + path_);
        committed_ = true;
    }

private:
    std::string path_, staging_;
    std::ofstream out_;
    bool committed_ = false;
};

}  // namespace imgtrust::cli
