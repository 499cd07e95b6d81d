// docker-credential-<name> get: the registry on stdin, {"Username","Secret"} on stdout.
#include <fcntl.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/auth_file.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::config {
namespace {

constexpr std::size_t max_helper_output = 64 * 1024;

struct HelperResult {
    int exit_status = -1;
    std::string output;
};

[[noreturn]] void exec_helper(const std::string& program, int stdin_fd, int stdout_fd) {
    ::dup2(stdin_fd, STDIN_FILENO);
    ::dup2(stdout_fd, STDOUT_FILENO);
    ::dup2(stdout_fd, STDERR_FILENO);
    ::execlp(program.c_str(), program.c_str(), "get", static_cast<char*>(nullptr));
    ::_exit(127);
}

std::string read_bounded(int fd) {
    std::string output;
    char buffer[4096];
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (output.size() < max_helper_output) output.append(buffer, static_cast<std::size_t>(n));
    }
    return output;
}

HelperResult run_helper(const std::string& program, const std::string& input) {
    int to_child[2];
    int from_child[2];
    // stdin is a socket so that send(MSG_NOSIGNAL) cannot raise SIGPIPE if the helper exits early.
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, to_child) != 0) throw ConfigError("cannot run " + program + ": " + std::strerror(errno));
    if (::pipe2(from_child, O_CLOEXEC) != 0) {
        ::close(to_child[0]);
        ::close(to_child[1]);
        throw ConfigError("cannot run " + program + ": " + std::strerror(errno));
    }
    const pid_t pid = ::fork();
    if (pid == 0) exec_helper(program, to_child[0], from_child[1]);
    ::close(to_child[0]);
    ::close(from_child[1]);
    if (pid < 0) {
        ::close(to_child[1]);
        ::close(from_child[0]);
        throw ConfigError("cannot run " + program + ": fork failed");
    }
    // The input is one short line: it fits in the pipe buffer, so this cannot block.
    ssize_t ignored = ::send(to_child[1], input.data(), input.size(), MSG_NOSIGNAL);
    (void)ignored;
    ::close(to_child[1]);
    HelperResult result;
    result.output = read_bounded(from_child[0]);
    ::close(from_child[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string json_string(const rapidjson::Value& object, const char* name) {
    auto found = object.FindMember(name);
    return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

}  // namespace

std::optional<Credentials> credentials_from_helper(const std::string& helper, const std::string& registry) {
    const std::string program = "docker-credential-" + helper;
    const HelperResult result = run_helper(program, registry);
    if (result.exit_status == 127) throw ConfigError("credential helper " + program + " could not be run");
    if (result.exit_status != 0) {
        if (result.output.find("credentials not found") != std::string::npos) return std::nullopt;
        std::string message = result.output.substr(0, 200);
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
        throw ConfigError("credential helper " + program + " failed for " + registry + ": " + message);
    }
    rapidjson::Document document;
    document.Parse(result.output.data(), result.output.size());
    if (document.HasParseError() || !document.IsObject()) {
        throw ConfigError("credential helper " + program + " returned invalid JSON for " + registry);
    }
    const std::string username = json_string(document, "Username");
    const std::string secret = json_string(document, "Secret");
    if (username == "<token>") return Credentials{"", "", secret};
    return Credentials{username, secret, ""};
}

}  // namespace imgtrust::config
