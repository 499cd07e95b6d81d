// Starts tests/unit/registry/fake_registry.py on a free loopback port and stops it by PID.
#pragma once

#include <curl/curl.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fixtures.hpp"

struct LoggedRequest {
    std::string method;
    std::string path;
    std::string query;
    std::string authorization;  // "" when absent
    std::string host;
};

class FakeRegistry {
public:
    explicit FakeRegistry(const std::vector<std::string>& extra_arguments = {}, bool tls = false) : tls_(tls) {
        int out[2];
        if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
        const std::string script = fixture_path("../unit/registry/fake_registry.py");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(out[1], STDOUT_FILENO);
            ::close(out[0]);
            std::vector<std::string> arguments = {"/usr/bin/python3", script};
            arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
            std::vector<char*> argv;
            for (auto& argument : arguments) argv.push_back(argument.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        port_ = read_port(out[0]);
        ::close(out[0]);
        if (port_ == 0) {
            stop();
            throw std::runtime_error("fake registry did not start");
        }
    }
    ~FakeRegistry() { stop(); }
    FakeRegistry(const FakeRegistry&) = delete;
    FakeRegistry& operator=(const FakeRegistry&) = delete;

    int port() const { return port_; }
    std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string url(const std::string& path) const { return (tls_ ? "https://" : "http://") + host() + path; }

    // For a server started with --client-ca: the control requests present this pair.
    void use_client_certificate(const std::string& certificate, const std::string& key) {
        client_certificate_ = certificate;
        client_key_ = key;
    }

    void configure(const std::string& json) { control("/_control/config", json); }
    void reset_log() { control("/_control/reset", "{}"); }
    std::vector<LoggedRequest> log() {
        const std::string body = control("/_control/log", "");
        rapidjson::Document document;
        document.Parse(body.c_str());
        std::vector<LoggedRequest> entries;
        for (const auto& entry : document.GetArray()) {
            auto text = [&](const char* name) {
                return entry[name].IsString() ? std::string(entry[name].GetString()) : std::string();
            };
            entries.push_back({text("method"), text("path"), text("query"), text("authorization"), text("host")});
        }
        return entries;
    }
    std::size_t count(const std::string& path) {
        std::size_t n = 0;
        for (const auto& entry : log()) n += entry.path == path ? 1 : 0;
        return n;
    }

private:
    static int read_port(int fd) {
        std::string line;
        pollfd watch{fd, POLLIN, 0};
        while (line.find('\n') == std::string::npos && ::poll(&watch, 1, 15000) > 0) {
            char buffer[64];
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0) break;
            line.append(buffer, static_cast<std::size_t>(n));
        }
        return line.rfind("PORT ", 0) == 0 ? std::stoi(line.substr(5)) : 0;
    }

    static size_t collect(char* data, size_t size, size_t count, void* user) {
        static_cast<std::string*>(user)->append(data, size * count);
        return size * count;
    }

    std::string control(const std::string& path, const std::string& body) {
        CURL* easy = curl_easy_init();
        std::string answer;
        const std::string target = url(path);
        curl_easy_setopt(easy, CURLOPT_URL, target.c_str());
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
        if (!client_certificate_.empty()) {
            curl_easy_setopt(easy, CURLOPT_SSLCERT, client_certificate_.c_str());
            curl_easy_setopt(easy, CURLOPT_SSLKEY, client_key_.c_str());
        }
        if (!body.empty()) curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &collect);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &answer);
        curl_easy_setopt(easy, CURLOPT_TIMEOUT, 10L);
        const CURLcode code = curl_easy_perform(easy);
        curl_easy_cleanup(easy);
        if (code != CURLE_OK) throw std::runtime_error("fake registry control request failed: " + std::string(curl_easy_strerror(code)));
        return answer;
    }

    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
    }

    bool tls_;
    std::string client_certificate_;
    std::string client_key_;
    pid_t pid_ = -1;
    int port_ = 0;
};
