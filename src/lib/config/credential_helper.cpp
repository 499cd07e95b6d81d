// docker-credential-<name> get: the registry on stdin, {"Username","Secret"} on stdout.
//
// The process is multithreaded, so the helper is started with posix_spawnp
// (never fork + exec). Its output is read up to max_helper_output bytes and
// parsed through util::parse_untrusted_json. It must finish before its
// deadline (the caller's, at most credential_helper_timeout from now): a helper
// that does not is killed with SIGKILL, reaped, and the lookup fails.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "config/auth_file.hpp"
#include "imgtrust/errors.hpp"
#include "util/untrusted_json.hpp"

extern char** environ;

namespace imgtrust::config {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t max_helper_output = 64 * 1024;

std::string system_error(const std::string& what, int error_number) { return what + ": " + std::strerror(error_number); }

// close(2)'s result is deliberately not acted on: on Linux the descriptor is
// released even when close reports EINTR or EIO, and these are pipe ends whose
// data was already read or sent.
void close_descriptor(int fd) {
    if (fd >= 0) static_cast<void>(::close(fd));
}

// The two ends of the helper's stdin (a socket, so that send(MSG_NOSIGNAL)
// cannot raise SIGPIPE if the helper exits early) and of its stdout+stderr.
struct HelperPipes {
    int input[2] = {-1, -1};   // [0] the helper's stdin, [1] ours
    int output[2] = {-1, -1};  // [0] ours, [1] the helper's stdout and stderr
    ~HelperPipes() {
        for (int fd : {input[0], input[1], output[0], output[1]}) close_descriptor(fd);
    }
    void close_child_ends() {
        close_descriptor(input[0]);
        close_descriptor(output[1]);
        input[0] = output[1] = -1;
    }
};

void open_pipes(HelperPipes& pipes, const std::string& program) {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pipes.input) != 0) {
        const int error_number = errno;
        throw ConfigError(system_error("cannot run " + program + ": socketpair", error_number));
    }
    if (::pipe2(pipes.output, O_CLOEXEC) != 0) {
        const int error_number = errno;
        throw ConfigError(system_error("cannot run " + program + ": pipe2", error_number));
    }
}

// posix_spawn file actions and attributes, destroyed with the object.
struct SpawnSetup {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attributes{};
    bool actions_ready = false;
    bool attributes_ready = false;
    ~SpawnSetup() {
        if (actions_ready) posix_spawn_file_actions_destroy(&actions);
        if (attributes_ready) posix_spawnattr_destroy(&attributes);
    }
};

void require_zero(int result, const std::string& what) {
    if (result != 0) throw ConfigError(system_error(what, result));
}

// The helper's stdin, stdout and stderr are our pipes (dup2 clears their
// close-on-exec flag); it starts with no blocked signals and SIGPIPE at its
// default action, whatever this thread's mask and the process's dispositions.
void prepare_spawn(SpawnSetup& setup, const HelperPipes& pipes, const std::string& program) {
    const std::string what = "cannot run " + program + ": posix_spawn setup";
    require_zero(posix_spawn_file_actions_init(&setup.actions), what);
    setup.actions_ready = true;
    require_zero(posix_spawn_file_actions_adddup2(&setup.actions, pipes.input[0], STDIN_FILENO), what);
    require_zero(posix_spawn_file_actions_adddup2(&setup.actions, pipes.output[1], STDOUT_FILENO), what);
    require_zero(posix_spawn_file_actions_adddup2(&setup.actions, pipes.output[1], STDERR_FILENO), what);
    require_zero(posix_spawnattr_init(&setup.attributes), what);
    setup.attributes_ready = true;
    sigset_t none;
    sigset_t default_pipe;
    if (sigemptyset(&none) != 0 || sigemptyset(&default_pipe) != 0 || sigaddset(&default_pipe, SIGPIPE) != 0)
        throw ConfigError(what + ": signal sets");
    require_zero(posix_spawnattr_setsigmask(&setup.attributes, &none), what);
    require_zero(posix_spawnattr_setsigdefault(&setup.attributes, &default_pipe), what);
    require_zero(posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF), what);
}

pid_t spawn_helper(const std::string& program, const HelperPipes& pipes) {
    SpawnSetup setup;
    prepare_spawn(setup, pipes, program);
    std::string program_argument = program;
    std::string get_argument = "get";
    char* arguments[] = {program_argument.data(), get_argument.data(), nullptr};
    pid_t pid = -1;
    const int result = posix_spawnp(&pid, program.c_str(), &setup.actions, &setup.attributes, arguments, environ);
    if (result != 0) throw ConfigError(system_error("credential helper " + program + " could not be run", result));
    return pid;
}

// The running helper: killed (SIGKILL) and reaped unless finish() reaped it.
class RunningHelper {
public:
    RunningHelper(std::string program, pid_t pid) : program_(std::move(program)), pid_(pid) {}
    RunningHelper(const RunningHelper&) = delete;
    RunningHelper& operator=(const RunningHelper&) = delete;
    ~RunningHelper() {
        if (pid_ > 0) kill_and_reap();
    }

    // The exit status (-1 when it ended by a signal); throws FetchError after
    // killing it when it is still running at the deadline.
    int finish(Clock::time_point deadline);
    // Kills and reaps the helper, then throws Failure(message).
    template <typename Failure>
    [[noreturn]] void fail(const std::string& message) {
        kill_and_reap();
        throw Failure(message);
    }
    // For a failed system call: errno is read first, then the helper is killed
    // and ConfigError("<action> credential helper <program>: <error>") thrown.
    [[noreturn]] void fail_system_call(const char* action) {
        const int error_number = errno;
        fail<ConfigError>(system_error(std::string(action) + " credential helper " + program_, error_number));
    }

private:
    void kill_and_reap() noexcept;
    std::string program_;
    pid_t pid_;
};

// kill(2) cannot fail here: the child is ours and not yet reaped (a zombie
// still accepts the signal), so its result is not acted on; waitpid is
// retried on EINTR and otherwise means the child is gone.
void RunningHelper::kill_and_reap() noexcept {
    static_cast<void>(::kill(pid_, SIGKILL));
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

int RunningHelper::finish(Clock::time_point deadline) {
    auto pause = std::chrono::milliseconds(1);
    while (true) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        if (done < 0 && errno != EINTR) {
            const int error_number = errno;
            pid_ = -1;  // not our child any more (ECHILD): nothing to reap
            throw ConfigError(system_error("waiting for credential helper " + program_, error_number));
        }
        if (Clock::now() >= deadline) fail<FetchError>("credential helper " + program_ + " did not exit in time; killed it");
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
}

// Sends the one short input line. It fits in the socket buffer, so this does
// not block; a helper that exits without reading it is not an error here.
void send_input(int fd, const std::string& input, RunningHelper& helper) {
    std::size_t sent = 0;
    while (sent < input.size()) {
        const ssize_t n = ::send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) return;
        if (n < 0) helper.fail_system_call("writing to");
        sent += static_cast<std::size_t>(n);
    }
}

// Everything the helper writes until it closes its output, at most
// max_helper_output bytes, before the deadline.
std::string read_output(int fd, Clock::time_point deadline, RunningHelper& helper, const std::string& program) {
    std::string output;
    char buffer[4096];
    while (true) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) helper.fail<FetchError>("credential helper " + program + " did not answer in time; killed it");
        pollfd readable{fd, POLLIN, 0};
        const int ready = ::poll(&readable, 1, static_cast<int>(std::min<long long>(left.count(), 60000)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) helper.fail_system_call("waiting for");
        if (ready == 0) continue;  // the deadline is checked at the top
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) helper.fail_system_call("reading from");
        if (n == 0) return output;
        if (output.size() + static_cast<std::size_t>(n) > max_helper_output)
            helper.fail<ConfigError>("credential helper " + program + " wrote more than " + std::to_string(max_helper_output) + " bytes");
        output.append(buffer, static_cast<std::size_t>(n));
    }
}

struct HelperResult {
    int exit_status = -1;
    std::string output;
};

HelperResult run_helper(const std::string& program, const std::string& input, Clock::time_point deadline) {
    HelperPipes pipes;
    open_pipes(pipes, program);
    RunningHelper helper(program, spawn_helper(program, pipes));
    pipes.close_child_ends();
    send_input(pipes.input[1], input, helper);
    close_descriptor(pipes.input[1]);
    pipes.input[1] = -1;
    HelperResult result;
    result.output = read_output(pipes.output[0], deadline, helper, program);
    result.exit_status = helper.finish(deadline);
    return result;
}

std::string json_string(const rapidjson::Value& object, const char* name) {
    auto found = object.FindMember(name);
    return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

}  // namespace

std::optional<Credentials> credentials_from_helper(const std::string& helper, const std::string& registry,
                                                   Clock::time_point deadline) {
    const std::string program = "docker-credential-" + helper;
    deadline = std::min(deadline, Clock::now() + credential_helper_timeout);
    const HelperResult result = run_helper(program, registry, deadline);
    if (result.exit_status == 127) throw ConfigError("credential helper " + program + " could not be run");
    if (result.exit_status != 0) {
        if (result.output.find("credentials not found") != std::string::npos) return std::nullopt;
        std::string message = result.output.substr(0, 200);
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
        throw ConfigError("credential helper " + program + " failed for " + registry + ": " + message);
    }
    rapidjson::Document document;
    util::JsonOptions options;
    options.limits.max_bytes = max_helper_output;
    if (util::parse_untrusted_json(result.output, document, options) || !document.IsObject()) {
        throw ConfigError("credential helper " + program + " returned invalid JSON for " + registry);
    }
    const std::string username = json_string(document, "Username");
    const std::string secret = json_string(document, "Secret");
    if (username == "<token>") return Credentials{"", "", secret};
    return Credentials{username, secret, ""};
}

}  // namespace imgtrust::config
