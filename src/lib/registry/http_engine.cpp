// The engine thread: takes queued transfers, drives the curl multi handle,
// delivers each response (or TransportError) through its promise, and follows
// redirects itself so that Authorization never reaches another host.
#include "registry/http_engine.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "registry/http_transfer.hpp"
#include "util/bytes.hpp"

namespace imgtrust::registry {
namespace {

// curl_global_init once per process (not thread-safe before libcurl 7.84, hence
// the once_flag); a failure throws and is tried again by the next engine.
void initialise_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (code != CURLE_OK) throw FetchError(std::string("cannot initialise libcurl: ") + curl_easy_strerror(code));
    });
}

void check_share_option(CURLSHcode code, const char* name) {
    if (code != CURLSHE_OK)
        throw ConfigError(std::string("libcurl refused ") + name + " on its share handle: " + curl_share_strerror(code));
}

void check_multi_option(CURLMcode code, const char* name) {
    if (code != CURLM_OK)
        throw ConfigError(std::string("libcurl refused ") + name + " on its multi handle: " + curl_multi_strerror(code));
}

// Wakes the engine thread for a submission or shutdown. Its result is not
// acted on: a lost wakeup delays the start by at most the engine's 1 s poll.
void wake_engine(CURLM* multi) { static_cast<void>(curl_multi_wakeup(multi)); }

// A failure of the multi interface itself: every transfer in it fails with this.
void check_multi_call(CURLMcode code, const char* call) {
    if (code != CURLM_OK) throw TransportError(std::string("libcurl's ") + call + " failed: " + curl_multi_strerror(code), true);
}

// CA bundles are a few hundred KB (Debian's whole bundle is about 200 KB).
constexpr std::size_t max_ca_file_bytes = 16 * 1024 * 1024;

// A CA file read with util::read_file_bounded (regular files only); nullopt if it does not exist.
std::optional<std::string> read_ca_file_if_present(const std::string& path) {
    try {
        return util::read_file_bounded(path, max_ca_file_bytes, "CA file");
    } catch (const FetchError& error) {
        throw TransportError(std::string("cannot read CA file: ") + error.what(), false);
    }
}

// A certs.d CA file: it must exist.
std::string read_ca_file(const std::string& path) {
    std::optional<std::string> pem = read_ca_file_if_present(path);
    if (!pem) throw TransportError("cannot read CA file " + path + ": no such file", false);
    return std::move(*pem);
}

// libcurl's own default CA bundle (CURLINFO_CAINFO), so extra CAs add to the system ones.
std::string system_ca_bundle() {
    std::string bundle;
#if LIBCURL_VERSION_NUM >= 0x075400
    CURL* probe = curl_easy_init();
    char* path = nullptr;
    if (probe && curl_easy_getinfo(probe, CURLINFO_CAINFO, &path) == CURLE_OK && path != nullptr) {
        bundle = read_ca_file_if_present(path).value_or("");  // none when libcurl uses only a CA directory
    }
    if (probe) curl_easy_cleanup(probe);
#endif
    return bundle;
}

// Plain http:// has no HTTP/2 (CURL_HTTP_VERSION_2TLS), so nothing to multiplex: such
// requests run on the caller's thread, without the two thread hand-offs of the engine.
bool is_plain_http(const std::string& url) {
    return url.size() > 7 && std::equal(url.begin(), url.begin() + 7, "http://", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
    });
}

}  // namespace

struct HttpEngine::Impl {
    CURLM* multi = nullptr;
    CURLSH* share = nullptr;
    std::mutex queue_mutex;
    std::deque<std::unique_ptr<Transfer>> queued;
    bool stopping = false;
    std::atomic<std::size_t> sent{0};
    std::map<CURL*, std::unique_ptr<Transfer>> active;     // engine thread only
    std::mutex ca_mutex;
    std::map<std::string, std::string> ca_bundles;         // under ca_mutex: joined CA paths -> PEM
    std::optional<std::string> system_bundle;              // under ca_mutex
    std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;  // the share is used from several threads
    std::mutex idle_mutex;
    std::vector<CURL*> idle_handles;  // under idle_mutex: direct-path handles, each keeping its connections
    std::thread worker;

    void configure_handles();
    void release_handles();
    void run();
    bool stop_requested();
    void run_round();
    void start_queued();
    void start(std::unique_ptr<Transfer> transfer);
    void finish_completed();
    void finish(CURL* easy, CURLcode code);
    void fail_active(std::exception_ptr error) noexcept;
    void fail_everything();
    const std::string& ca_bundle_for(const TlsSettings& tls);
    HttpResponse perform_direct(HttpRequest request);
    CURL* borrow_handle();
    void return_handle(CURL* easy);
};

namespace {

void lock_share(CURL*, curl_lock_data data, curl_lock_access, void* locks) {
    (*static_cast<std::array<std::mutex, CURL_LOCK_DATA_LAST>*>(locks))[data].lock();
}

void unlock_share(CURL*, curl_lock_data data, void* locks) {
    (*static_cast<std::array<std::mutex, CURL_LOCK_DATA_LAST>*>(locks))[data].unlock();
}

}  // namespace

HttpEngine::HttpEngine() : impl_(std::make_unique<Impl>()) {
    initialise_curl_once();
    impl_->multi = curl_multi_init();
    impl_->share = curl_share_init();
    if (!impl_->multi || !impl_->share) {
        impl_->release_handles();
        throw FetchError("cannot initialise libcurl");
    }
    try {
        impl_->configure_handles();
    } catch (...) {
        impl_->release_handles();
        throw;
    }
    impl_->worker = std::thread([impl = impl_.get()] { impl->run(); });
}

void HttpEngine::Impl::configure_handles() {
    check_share_option(curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &lock_share), "CURLSHOPT_LOCKFUNC");
    check_share_option(curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &unlock_share), "CURLSHOPT_UNLOCKFUNC");
    check_share_option(curl_share_setopt(share, CURLSHOPT_USERDATA, &share_locks), "CURLSHOPT_USERDATA");
    check_share_option(curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS), "CURLSHOPT_SHARE (DNS)");
    check_share_option(curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION), "CURLSHOPT_SHARE (SSL_SESSION)");
    // Connections are reused through the multi handle's own cache (all transfers use one multi).
    check_multi_option(curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX), "CURLMOPT_PIPELINING");
}

void HttpEngine::Impl::release_handles() {
    if (multi) curl_multi_cleanup(multi);
    if (share) curl_share_cleanup(share);
    multi = nullptr;
    share = nullptr;
}

HttpEngine::~HttpEngine() {
    {
        std::lock_guard lock(impl_->queue_mutex);
        impl_->stopping = true;
    }
    wake_engine(impl_->multi);
    impl_->worker.join();
    for (CURL* easy : impl_->idle_handles) curl_easy_cleanup(easy);
    impl_->release_handles();
}

std::future<HttpResponse> HttpEngine::submit(HttpRequest request) {
    auto transfer = std::make_unique<Transfer>();
    transfer->request = std::move(request);
    auto future = transfer->promise.get_future();
    {
        std::lock_guard lock(impl_->queue_mutex);
        if (impl_->stopping) throw TransportError("HTTP engine is shutting down", false);
        impl_->queued.push_back(std::move(transfer));
    }
    wake_engine(impl_->multi);
    return future;
}

HttpResponse HttpEngine::perform(HttpRequest request) {
    if (is_plain_http(request.url)) return impl_->perform_direct(std::move(request));
    return submit(std::move(request)).get();
}

CURL* HttpEngine::Impl::borrow_handle() {
    std::lock_guard lock(idle_mutex);
    if (idle_handles.empty()) return curl_easy_init();
    CURL* easy = idle_handles.back();  // the most recently used: its connection is the likeliest to be alive
    idle_handles.pop_back();
    return easy;
}

void HttpEngine::Impl::return_handle(CURL* easy) {
    std::lock_guard lock(idle_mutex);
    idle_handles.push_back(easy);
}

// The same transfer as on the engine thread (bounds, errors, redirects), run by the caller.
HttpResponse HttpEngine::Impl::perform_direct(HttpRequest request) {
    CURL* easy = borrow_handle();
    if (!easy) throw TransportError("cannot create a libcurl handle", true);
    Transfer transfer;
    transfer.request = std::move(request);
    struct Return {
        Impl& impl;
        CURL* easy;
        ~Return() { impl.return_handle(easy); }
    } give_back{*this, easy};
    while (true) {
        transfer.prepare(share, ca_bundle_for(transfer.request.tls), easy);
        ++sent;
        const CURLcode code = curl_easy_perform(easy);
        if (auto error = transfer.failure(code)) std::rethrow_exception(error);
        transfer.read_response_info();
        const auto next = transfer.redirect_target();
        if (!next) return std::move(transfer.response);
        if (transfer.redirects_followed >= max_redirect_hops) {
            throw TransportError(transfer.request.method + " " + transfer.request.url + ": stopped after " +
                                 std::to_string(max_redirect_hops) + " redirects", false);
        }
        transfer.advance_to(*next);
    }
}

std::size_t HttpEngine::requests_sent() const { return impl_->sent.load(); }

// Never throws: an exception from one round (a failing multi call, bad_alloc)
// fails the transfers in flight and the loop goes on after a pause that grows
// up to a second while the failure persists, so a broken multi handle neither
// spins nor leaves a caller waiting forever.
void HttpEngine::Impl::run() {
    std::chrono::milliseconds pause{0};
    while (!stop_requested()) {
        try {
            run_round();
            pause = std::chrono::milliseconds(0);
        } catch (...) {
            fail_active(std::current_exception());
            pause = std::clamp(pause * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
            std::this_thread::sleep_for(pause);
        }
    }
    fail_everything();
}

bool HttpEngine::Impl::stop_requested() {
    std::lock_guard lock(queue_mutex);
    return stopping;
}

void HttpEngine::Impl::run_round() {
    start_queued();
    int running = 0;
    check_multi_call(curl_multi_perform(multi, &running), "curl_multi_perform");
    finish_completed();
    check_multi_call(curl_multi_poll(multi, nullptr, 0, 1000, nullptr), "curl_multi_poll");
}

void HttpEngine::Impl::start_queued() {
    std::deque<std::unique_ptr<Transfer>> batch;
    {
        std::lock_guard lock(queue_mutex);
        if (stopping) return;
        batch.swap(queued);
    }
    for (auto& transfer : batch) start(std::move(transfer));
}

// Any failure is delivered through the transfer's promise.
void HttpEngine::Impl::start(std::unique_ptr<Transfer> transfer) {
    CURL* added = nullptr;
    try {
        transfer->prepare(share, ca_bundle_for(transfer->request.tls));
        const CURLMcode code = curl_multi_add_handle(multi, transfer->easy);
        if (code != CURLM_OK)
            throw TransportError("cannot start " + transfer->request.url + ": " + curl_multi_strerror(code), true);
        added = transfer->easy;
        active.emplace(added, std::move(transfer));  // moves only once the node exists
        ++sent;
    } catch (...) {
        if (added) curl_multi_remove_handle(multi, added);
        if (transfer) transfer->promise.set_exception(std::current_exception());
    }
}

void HttpEngine::Impl::finish_completed() {
    int remaining = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &remaining)) {
        if (message->msg == CURLMSG_DONE) finish(message->easy_handle, message->data.result);
    }
}

void HttpEngine::Impl::finish(CURL* easy, CURLcode code) {
    curl_multi_remove_handle(multi, easy);
    auto node = active.extract(easy);
    if (node.empty()) return;
    std::unique_ptr<Transfer> transfer = std::move(node.mapped());
    if (auto error = transfer->failure(code)) {
        transfer->promise.set_exception(error);
        return;
    }
    try {
        transfer->read_response_info();
    } catch (...) {
        transfer->promise.set_exception(std::current_exception());
        return;
    }
    if (auto next = transfer->redirect_target()) {
        if (transfer->redirects_followed >= max_redirect_hops) {
            transfer->promise.set_exception(std::make_exception_ptr(TransportError(
                transfer->request.method + " " + transfer->request.url + ": stopped after " +
                    std::to_string(max_redirect_hops) + " redirects", false)));
            return;
        }
        transfer->advance_to(*next);
        start(std::move(transfer));
        return;
    }
    transfer->promise.set_value(std::move(transfer->response));
}

void HttpEngine::Impl::fail_active(std::exception_ptr error) noexcept {
    for (auto& [easy, transfer] : active) {
        curl_multi_remove_handle(multi, easy);
        transfer->promise.set_exception(error);
    }
    active.clear();
}

void HttpEngine::Impl::fail_everything() {
    const auto stopped = std::make_exception_ptr(TransportError("HTTP engine stopped", false));
    fail_active(stopped);
    std::lock_guard lock(queue_mutex);
    for (auto& transfer : queued) transfer->promise.set_exception(stopped);
    queued.clear();
}

const std::string& HttpEngine::Impl::ca_bundle_for(const TlsSettings& tls) {
    static const std::string none;
    if (!tls.verify || tls.ca_files.empty()) return none;
    std::lock_guard lock(ca_mutex);  // map nodes are stable: the reference outlives the lock
    std::string key;
    for (const auto& path : tls.ca_files) key += path + '\n';
    auto found = ca_bundles.find(key);
    if (found != ca_bundles.end()) return found->second;
    if (!system_bundle) system_bundle = system_ca_bundle();
    std::string bundle = *system_bundle;
    for (const auto& path : tls.ca_files) {
        bundle += '\n';
        bundle += read_ca_file(path);
        bundle += '\n';
    }
    return ca_bundles.emplace(key, std::move(bundle)).first->second;
}

}  // namespace imgtrust::registry
