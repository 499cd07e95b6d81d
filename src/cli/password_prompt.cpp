// cosign's password sources (cmd/cosign/cli/generate: GetPass / readPasswordFn):
// COSIGN_PASSWORD when set, else the terminal with echo off. cosign falls back
// to reading all of stdin when stdin is not a terminal; imgtrust refuses
// instead (exit 2), so a batch job never blocks on or consumes its stdin.
#include "cli/password_prompt.hpp"

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iterator>
#include <optional>
#include <openssl/crypto.h>

#include "imgtrust/errors.hpp"

namespace imgtrust::cli {
namespace {

constexpr std::size_t max_password_bytes = 4096;

// While echo is off, a SIGINT/SIGTERM/SIGHUP/SIGQUIT restores the terminal
// before the signal takes its default course: Ctrl-C at the prompt must not
// leave the user's shell without echo. (Only async-signal-safe calls.)
int echo_off_fd = -1;
termios echo_on_settings{};
constexpr int restoring_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restore_terminal_and_reraise(int signal_number) {
    if (echo_off_fd >= 0) ::tcsetattr(echo_off_fd, TCSANOW, &echo_on_settings);
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
}

class EchoOffSignalGuard {
public:
    EchoOffSignalGuard(int fd, const termios& settings) {
        echo_off_fd = fd;
        echo_on_settings = settings;
        struct sigaction action {};
        action.sa_handler = restore_terminal_and_reraise;
        sigemptyset(&action.sa_mask);
        for (std::size_t i = 0; i < std::size(restoring_signals); ++i) ::sigaction(restoring_signals[i], &action, &previous_[i]);
    }
    ~EchoOffSignalGuard() {
        for (std::size_t i = 0; i < std::size(restoring_signals); ++i) ::sigaction(restoring_signals[i], &previous_[i], nullptr);
        echo_off_fd = -1;
    }
    EchoOffSignalGuard(const EchoOffSignalGuard&) = delete;
    EchoOffSignalGuard& operator=(const EchoOffSignalGuard&) = delete;

private:
    struct sigaction previous_[std::size(restoring_signals)] {};
};

// The controlling terminal, opened for the prompt and the answer.
class Terminal {
public:
    Terminal() : fd_(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {}
    ~Terminal() {
        if (fd_ >= 0) ::close(fd_);
    }
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;
    bool available() const { return fd_ >= 0 && ::isatty(fd_); }

    // Turns echo off, prints `prompt`, reads one line, restores the terminal.
    // Echo goes off before the prompt shows: TCSAFLUSH discards what was typed
    // before, so an answer typed after the prompt is never lost.
    std::string read_secret(const std::string& prompt) {
        termios saved{};
        bool restore = ::tcgetattr(fd_, &saved) == 0;
        std::optional<EchoOffSignalGuard> guard;
        if (restore) {
            guard.emplace(fd_, saved);
            termios quiet = saved;
            quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
            quiet.c_lflag |= ECHONL;
            ::tcsetattr(fd_, TCSAFLUSH, &quiet);
        }
        write_text(prompt);
        std::string line;
        char c = 0;
        ssize_t got = 0;
        bool ended = false;
        while (!ended && line.size() <= max_password_bytes && (got = ::read(fd_, &c, 1)) == 1) {
            if (c == '\n') ended = true;
            else line += c;
        }
        if (restore) ::tcsetattr(fd_, TCSADRAIN, &saved);
        if (!restore) write_text("\n");
        if (got < 0) throw ConfigError("could not read the password from the terminal");
        if (!ended && line.size() <= max_password_bytes) throw ConfigError("no password entered (end of input on the terminal)");
        if (line.size() > max_password_bytes) throw ConfigError("the password is longer than 4096 bytes");
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    }

private:
    void write_text(const std::string& text) {
        for (std::size_t done = 0; done < text.size();) {
            ssize_t wrote = ::write(fd_, text.data() + done, text.size() - done);
            if (wrote <= 0) return;
            done += static_cast<std::size_t>(wrote);
        }
    }

    int fd_;
};

std::string ask_terminal(const std::string& what, bool confirm) {
    Terminal terminal;
    if (!terminal.available())
        throw ConfigError("a password is needed for " + what + ": set COSIGN_PASSWORD (it may be empty) or run on a terminal");
    std::string password = terminal.read_secret("Enter password for private key " + what + ": ");
    if (confirm) {
        std::string again = terminal.read_secret("Enter password for private key " + what + " again: ");
        bool same = again == password;
        OPENSSL_cleanse(again.data(), again.size());
        if (!same) {
            OPENSSL_cleanse(password.data(), password.size());
            throw ConfigError("the passwords for " + what + " do not match");
        }
    }
    return password;
}

}  // namespace

std::function<std::string()> cosign_password_source(std::string_view what, bool confirm) {
    return [name = std::string(what), confirm]() -> std::string {
        if (const char* from_environment = std::getenv("COSIGN_PASSWORD")) return from_environment;
        return ask_terminal(name, confirm);
    };
}

}  // namespace imgtrust::cli
