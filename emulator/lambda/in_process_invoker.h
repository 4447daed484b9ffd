// InProcessInvoker: runs handlers compiled into the emulator on a WorkerPool, never on an I/O
// thread, and enforces each version's Timeout with a timer on the I/O side.
//
// At the deadline the caller gets a kTimeout result ("Task timed out after 3.00 seconds", as
// Lambda reports it) without waiting for the handler. A C++ handler cannot be killed: it keeps
// running on its worker, which the pool replaces at once (see WorkerPool), and whatever it
// returns later is discarded with a log line. A handler that never returns therefore costs one
// thread, logged, and never a silent loss of capacity.
//
// Deadlines: one timer per invoker, not one per invocation. Invocations in flight wait in
// deadline order (one FIFO per Timeout value: invocations of equal Timeout expire in the order
// they started); the timer is armed for the earliest, and an invocation that finishes unlinks
// itself without touching the timer. So a request costs no timer operation and no hand-off to an
// I/O thread for its deadline; the timer fires about once per Timeout period under load.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "emulator/lambda/invoker.h"
#include "emulator/lambda/worker_pool.h"

namespace emu::lambda {

class InProcessInvoker final : public Invoker {
 public:
  // `timer_executor` runs the deadline timer (an io_context's executor); `pool` runs handlers.
  // Both must outlive every invocation started here.
  InProcessInvoker(boost::asio::any_io_executor timer_executor, WorkerPool& pool);
  ~InProcessInvoker() override;

  void invoke(FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
              InvokeCallback done) override;

  struct Deadlines;  // the invocations in flight and the timer; defined in the .cpp

 private:
  std::shared_ptr<Deadlines> deadlines_;
  WorkerPool& pool_;
};

// Runs `version`'s handler on the calling thread and shapes its outcome (Lambda's error payload
// for exceptions). Exposed for tests; the invoker calls it on a worker.
nlohmann::json run_handler(const FunctionVersion& version, const nlohmann::json& event,
                           const lambda_runtime::Context& context, bool& failed);

// Lambda's error payload: {"errorMessage", "errorType", "stackTrace": []}.
nlohmann::json error_payload(const std::string& type, const std::string& message);

}  // namespace emu::lambda
