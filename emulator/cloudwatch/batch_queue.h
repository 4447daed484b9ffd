// BatchQueue: what the request path hands to CloudWatch's metrics — a push under a mutex — and
// what the owner takes in one swap to aggregate off the request path. Bounded: push() says when
// kMaxQueued items wait, and the producer then drains it itself (metrics are never dropped and
// the queue never grows past the bound when nothing reads).
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

namespace emu::cloudwatch {

template <class T>
class BatchQueue {
 public:
  static constexpr std::size_t kMaxQueued = 65'536;

  // True when the queue is full and should be drained now.
  bool push(T item) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(item));
    return items_.size() >= kMaxQueued;
  }
  std::vector<T> take() {
    std::vector<T> batch;
    std::lock_guard lock(mutex_);
    batch.swap(items_);
    return batch;
  }

 private:
  std::mutex mutex_;
  std::vector<T> items_;
};

}  // namespace emu::cloudwatch
