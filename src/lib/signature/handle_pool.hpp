// A small pool of handles that may be used by one thread at a time (gpgme
// contexts, RNP ffi keyrings), shared by threads that verify at once: a
// thread takes an idle handle, or makes one while fewer than `capacity`
// exist, or waits for one to be returned. Handles are made on demand, so a
// single-threaded user never makes more than one.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace imgtrust::signature {

// How many handles a pool makes at most: one per hardware thread, 1 to 8.
inline std::size_t default_handle_pool_capacity() {
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
}

template <typename Handle>
class HandlePool {
public:
    using Factory = std::function<std::unique_ptr<Handle>()>;

    // `first` (may be null) is the first idle handle; `make` makes the others and may throw.
    HandlePool(std::size_t capacity, std::unique_ptr<Handle> first, Factory make)
        : capacity_(std::max<std::size_t>(capacity, 1)), make_(std::move(make)) {
        if (first) {
            idle_.push_back(std::move(first));
            created_ = 1;
        }
    }
    HandlePool(const HandlePool&) = delete;
    HandlePool& operator=(const HandlePool&) = delete;

    // A handle used by the holder alone until the lease is destroyed.
    class Lease {
    public:
        Lease(const HandlePool& pool, std::unique_ptr<Handle> handle) : pool_(&pool), handle_(std::move(handle)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease() {
            if (handle_) pool_->give_back(std::move(handle_));
        }
        Handle& operator*() const { return *handle_; }
        Handle* operator->() const { return handle_.get(); }

    private:
        const HandlePool* pool_;
        std::unique_ptr<Handle> handle_;
    };

    // Throws what the factory throws; the pool is then as before.
    Lease acquire() const {
        std::unique_lock lock(mutex_);
        available_.wait(lock, [this] { return !idle_.empty() || created_ < capacity_; });
        if (!idle_.empty()) {
            std::unique_ptr<Handle> handle = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(handle));
        }
        ++created_;  // reserved while made outside the lock
        lock.unlock();
        try {
            return Lease(*this, make_());
        } catch (...) {
            lock.lock();
            --created_;
            available_.notify_one();
            throw;
        }
    }

    std::size_t capacity() const { return capacity_; }
    std::size_t created() const {
        std::lock_guard lock(mutex_);
        return created_;
    }

private:
    void give_back(std::unique_ptr<Handle> handle) const {
        {
            std::lock_guard lock(mutex_);
            idle_.push_back(std::move(handle));
        }
        available_.notify_one();
    }

    const std::size_t capacity_;
    const Factory make_;
    mutable std::mutex mutex_;
    mutable std::condition_variable available_;
    mutable std::vector<std::unique_ptr<Handle>> idle_;
    mutable std::size_t created_ = 0;
};

}  // namespace imgtrust::signature
