// imgtrust generate-key: a cosign key pair, as `cosign generate-key-pair`
// writes it: PREFIX.key (ENCRYPTED SIGSTORE PRIVATE KEY, mode 0600) and
// PREFIX.pub (PUBLIC KEY). The password comes from COSIGN_PASSWORD or a
// terminal prompt asked twice. cosign asks before overwriting an existing
// file; a non-interactive tool cannot, so imgtrust refuses (exit 2) unless
// --force is given.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <openssl/crypto.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/password_prompt.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/keys.hpp"

namespace imgtrust::cli {
namespace {

struct GenerateKeyOptions {
    std::string prefix = "cosign";
    bool force = false;
};

bool exists(const std::string& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0;
}

// Creates (or, with overwrite, replaces the content of) path with `mode`.
void write_file(const std::string& path, const std::string& content, mode_t mode, bool overwrite) {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (overwrite ? O_TRUNC : O_EXCL);
    int fd = ::open(path.c_str(), flags, mode);
    if (fd < 0) throw ConfigError("cannot create " + path + ": " + std::strerror(errno));
    bool ok = ::fchmod(fd, mode) == 0;
    for (std::size_t done = 0; ok && done < content.size();) {
        ssize_t wrote = ::write(fd, content.data() + done, content.size() - done);
        ok = wrote > 0;
        if (ok) done += static_cast<std::size_t>(wrote);
    }
    int saved_errno = errno;
    ok = ::close(fd) == 0 && ok;
    if (!ok) throw ConfigError("cannot write " + path + ": " + std::strerror(saved_errno));
}

int run_generate_key(const GenerateKeyOptions& options) {
    if (options.prefix.empty()) throw ConfigError("--output-key-prefix must not be empty");
    const std::string key_path = options.prefix + ".key", public_path = options.prefix + ".pub";
    if (!options.force)
        for (const std::string& path : {key_path, public_path})
            if (exists(path)) throw ConfigError(path + " already exists; remove it, choose another --output-key-prefix, or pass --force");
    std::string password = cosign_password_source(key_path, true)();
    CosignKeyPair pair = generate_cosign_key_pair(password);
    OPENSSL_cleanse(password.data(), password.size());
    write_file(key_path, pair.encrypted_private_pem, 0600, options.force);
    write_file(public_path, pair.public_pem, 0644, options.force);
    std::cerr << "Private key written to " << key_path << "\nPublic key written to " << public_path << "\n";
    return exit_accepted;
}

}  // namespace

CommandAction register_generate_key_command(CLI::App& app) {
    auto options = std::make_shared<GenerateKeyOptions>();
    CLI::App* command = app.add_subcommand("generate-key",
                                           "Generate a cosign key pair (PREFIX.key encrypted with COSIGN_PASSWORD or a prompted password, PREFIX.pub)");
    command->add_option("--output-key-prefix", options->prefix, "Write PREFIX.key and PREFIX.pub (default: cosign)");
    command->add_flag("--force", options->force, "Overwrite existing PREFIX.key and PREFIX.pub");
    return [options] { return run_generate_key(*options); };
}

}  // namespace imgtrust::cli
