// imgtrust: thin entry point; the CLI lives in src/cli, the logic in libimgtrust.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return imgtrust::cli::run(argc, argv); }
