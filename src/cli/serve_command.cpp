// imgtrust serve --stdio: newline-delimited JSON requests on standard input,
// one response line each on standard output, with the policy and trust loaded
// once (docs/embedding-modes.md). The requests are parsed and answered by the
// library (imgtrust::StdioServer); this file only reads lines, writes lines
// and stops. Requests are served one at a time, in order.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/interrupt_watch.hpp"
#include "cli/openpgp_engine_option.hpp"
#include "cli/verify_options.hpp"
#include "imgtrust/client.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/serve.hpp"
#include "imgtrust/validate.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust::cli {
namespace {

struct ServeOptions : PolicyEvaluationOptions {
    bool stdio = false;
};

// Request lines from a file descriptor, each at most max_serve_request_bytes
// (a longer one is skipped to its newline and reported as too long). Waits in
// poll() with a short timeout so that a stop request is seen while idle.
class RequestReader {
public:
    enum class Status { line, too_long, end, stopped };

    explicit RequestReader(int fd) : fd_(fd) {}

    Status next(std::string& line, const std::atomic<bool>& stop) {
        for (;;) {
            const auto newline = buffer_.find('\n', scanned_);
            if (newline != std::string::npos) return take_line(newline, line);
            scanned_ = buffer_.size();
            if (!discarding_ && buffer_.size() > max_serve_request_bytes) discarding_ = true;
            if (discarding_) {
                buffer_.clear();
                scanned_ = 0;
            }
            if (end_) return take_rest(line);
            if (stop) return Status::stopped;
            read_some();
        }
    }

private:
    Status take_line(std::size_t newline, std::string& line) {
        const bool too_long = discarding_;
        if (!too_long) line.assign(buffer_, 0, newline);
        buffer_.erase(0, newline + 1);
        scanned_ = 0;
        discarding_ = false;
        return too_long ? Status::too_long : Status::line;
    }

    // The last line may lack its newline.
    Status take_rest(std::string& line) {
        if (discarding_) {
            discarding_ = false;
            return Status::too_long;
        }
        if (buffer_.empty()) return Status::end;
        line = std::move(buffer_);
        buffer_.clear();
        scanned_ = 0;
        return Status::line;
    }

    void read_some() {
        pollfd waiting{fd_, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, 200);
        if (ready == 0 || (ready < 0 && errno == EINTR)) return;
        if (ready < 0) throw FetchError(std::string("reading requests: ") + std::strerror(errno));
        char chunk[64 * 1024];
        const ssize_t count = ::read(fd_, chunk, sizeof chunk);
        if (count < 0) {
            if (errno == EINTR || errno == EAGAIN) return;
            throw FetchError(std::string("reading requests: ") + std::strerror(errno));
        }
        if (count == 0) end_ = true;
        else buffer_.append(chunk, static_cast<std::size_t>(count));
    }

    int fd_;
    std::string buffer_;
    std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no newline
    bool discarding_ = false;  // inside a line over the limit
    bool end_ = false;
};

// "validate" requests: hangar mode under serve's policy, with hangar's defaults
// (linux/amd64 and linux/arm64, the index checked too) and its own Client
// (cosign attachments always read, as imgtrust validate reads them).
std::shared_ptr<const validate::Validator> make_validator(const ServeOptions& options, Policy policy, const SystemContext& access) {
    validate::ValidationSettings settings;
    settings.timeout = access.timeout;
    settings.openpgp_engine = options.openpgp_engine;
    auto client = std::make_shared<const Client>(validate::validation_system_context(access, access.timeout));
    return std::make_shared<const validate::Validator>(std::move(settings), std::move(policy), std::move(client));
}

// Answers every line until end of input, a shutdown request or a signal.
int serve_lines(const StdioServer& server, const InterruptWatch& interrupts) {
    RequestReader reader(STDIN_FILENO);
    std::string line;
    std::size_t served = 0;
    for (;;) {
        const RequestReader::Status status = reader.next(line, interrupts.stop_requested());
        if (status == RequestReader::Status::end) return exit_accepted;
        if (status == RequestReader::Status::stopped) break;
        ServeResponse response;
        if (status == RequestReader::Status::too_long)
            response.line = StdioServer::oversized_request_response();
        else
            response = server.handle(line);
        std::cout << response.line << '\n' << std::flush;
        ++served;
        if (response.shutdown) return exit_accepted;
        if (interrupts.stop_requested()) break;
    }
    std::cerr << "Interrupted by " << interrupts.signal_name() << " after " << served << " requests\n";
    return interrupts.exit_code();
}

int run_serve(const ServeOptions& options) {
    if (!options.stdio) throw ConfigError("serve: --stdio is required (the only protocol)");
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    InterruptWatch interrupts([cancel] { cancel->store(true); });  // before any thread starts
    apply_openpgp_engine(options.openpgp_engine);
    const SystemContext access = make_system_context(options, cancel);
    auto client = std::make_shared<const Client>(access);
    EvaluationOptions evaluation = make_evaluation_options(options);
    evaluation.system = client->system_context();
    Policy policy = load_policy(options);
    auto context = std::make_shared<const PolicyContext>(policy, evaluation);
    StdioServer server(context, client, make_validator(options, std::move(policy), access));
    return serve_lines(server, interrupts);
}

}  // namespace

CommandAction register_serve_command(CLI::App& app) {
    auto options = std::make_shared<ServeOptions>();
    CLI::App* cmd = app.add_subcommand(
        "serve", "Answer verify requests (newline-delimited JSON on stdin) with the policy and trust loaded once");
    cmd->add_flag("--stdio", options->stdio, "Read requests from standard input, write responses to standard output");
    add_policy_access_options(cmd, *options);
    cmd->add_flag("--debug", options->debug, "Log each decision to stderr");
    add_platform_options(cmd, *options);
    add_evaluation_rule_options(cmd, *options);
    return [cmd, options]() -> int {
        finish_policy_access_options(cmd, *options);
        return run_serve(*options);
    };
}

}  // namespace imgtrust::cli
