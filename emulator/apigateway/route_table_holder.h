// RouteTableHolder: the route table in force, swapped whole by a redeploy. A request loads it
// once and keeps that table for its whole life, so it sees the old routes or the new ones,
// never a mix. Loads and stores are atomic; no lock on the request path.
#pragma once

#include <atomic>
#include <memory>

#include "emulator/apigateway/route_table.h"

namespace emu::apigw {

class RouteTableHolder {
 public:
  explicit RouteTableHolder(std::shared_ptr<const RouteTable> table) : table_(std::move(table)) {}

  std::shared_ptr<const RouteTable> load() const { return table_.load(std::memory_order_acquire); }
  void store(std::shared_ptr<const RouteTable> table) {
    table_.store(std::move(table), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const RouteTable>> table_;
};

}  // namespace emu::apigw
