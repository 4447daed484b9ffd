#include "emulator/lambda/event_recycler.h"

namespace emu::lambda {

void EventRecycler::put(nlohmann::json&& event) {
  if (!event.is_object() || event.size() != 12) return;
  const auto body = event.find("body");
  if (body != event.end() && body->is_string() &&
      body->get_ref<const std::string&>().capacity() > kMaxBodyBytes)
    return;
  nlohmann::json spent = std::move(event);
  {
    std::lock_guard lock(mutex_);
    if (kept_.size() < kMaxKept) {
      if (kept_.capacity() == 0) kept_.reserve(kMaxKept);
      kept_.push_back(std::move(spent));
      return;
    }
  }
  // Over the bound: `spent` is destroyed here, outside the lock.
}

nlohmann::json EventRecycler::take() {
  std::lock_guard lock(mutex_);
  if (kept_.empty()) return nullptr;
  nlohmann::json event = std::move(kept_.back());
  kept_.pop_back();
  return event;
}

}  // namespace emu::lambda
