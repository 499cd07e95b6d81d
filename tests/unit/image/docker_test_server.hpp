// A tiny HTTP/1.1 server on 127.0.0.1 (a free port), run by a thread of the
// test itself: fixed responses by path, 404 for anything else, one request per
// connection. It records each request's head, lowercased. Stopped and joined
// by its destructor.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace docker_test {

struct CannedResponse {
    int status = 200;
    std::string body;
};

class LoopbackHttpServer {
public:
    explicit LoopbackHttpServer(std::map<std::string, CannedResponse> responses) : responses_(std::move(responses)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (listener_ < 0) throw std::runtime_error("socket failed");
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~LoopbackHttpServer() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    LoopbackHttpServer(const LoopbackHttpServer&) = delete;
    LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

    int port() const { return port_; }
    std::vector<std::string> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd waiting{listener_, POLLIN, 0};
            if (::poll(&waiting, 1, 50) <= 0) continue;
            const int connection = ::accept(listener_, nullptr, nullptr);
            if (connection < 0) continue;
            answer(connection);
            ::close(connection);
        }
    }

    void answer(int connection) {
        std::string head;
        char buffer[4096];
        while (head.find("\r\n\r\n") == std::string::npos) {
            pollfd readable{connection, POLLIN, 0};
            if (::poll(&readable, 1, 2000) <= 0) return;
            const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
            if (n <= 0) return;
            head.append(buffer, static_cast<std::size_t>(n));
        }
        std::string lowered = head;
        std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
        {
            std::lock_guard<std::mutex> lock(mutex_);
            requests_.push_back(lowered);
        }
        const auto first_space = head.find(' ');
        const std::string path = head.substr(first_space + 1, head.find(' ', first_space + 1) - first_space - 1);
        const auto found = responses_.find(path);
        const CannedResponse response = found == responses_.end() ? CannedResponse{404, "not found"} : found->second;
        const std::string reply = "HTTP/1.1 " + std::to_string(response.status) + " Canned\r\nContent-Length: " +
                                  std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n" + response.body;
        ::send(connection, reply.data(), reply.size(), MSG_NOSIGNAL);
    }

    std::map<std::string, CannedResponse> responses_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
};

}  // namespace docker_test
