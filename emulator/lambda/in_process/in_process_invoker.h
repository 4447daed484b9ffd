// InProcessInvoker: runs handlers compiled into the emulator on the I/O thread that asked for the
// invocation (the thread that read the HTTP request), inside an IoThreads::BlockingScope, so a
// request costs no thread hand-off; a handler that blocks makes IoThreads add a thread in its
// place. Each version's Timeout is enforced with a timer on the I/O threads.
//
// At the deadline the caller gets a kTimeout result ("Task timed out after 3.00 seconds", as
// Lambda reports it) without waiting for the handler. A C++ handler cannot be killed: it keeps
// its thread (IoThreads has another take its place), and whatever it returns later is discarded
// with a log line. A handler that never returns therefore costs one thread, logged, and never a
// silent loss of capacity.
//
// Deadlines: one timer per invoker, not one per invocation. Invocations in flight wait in
// deadline order (one FIFO per Timeout value: invocations of equal Timeout expire in the order
// they started); the timer is armed for the earliest, and an invocation that finishes unlinks
// itself without touching the timer. So a request costs no timer operation and no hand-off to an
// I/O thread for its deadline; the timer fires about once per Timeout period under load.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "emulator/lambda/event_recycler.h"
#include "emulator/lambda/invoker.h"

namespace emu::lambda {

class InProcessInvoker final : public Invoker {
 public:
  // `executor` (an io_context run by IoThreads) runs the deadline timer, and the handlers of
  // invocations started off its threads or detached. It must outlive every invocation, and so
  // must `recycler` (optional), which takes each event back once its handler has returned.
  explicit InProcessInvoker(boost::asio::any_io_executor executor,
                            EventRecycler* recycler = nullptr);
  ~InProcessInvoker() override;

  // On an I/O thread the handler runs before this returns, `done` included.
  void invoke(FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
              InvokeCallback done) override;
  void invoke_detached(FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
                       InvokeCallback done) override;

  // Handlers answered at their deadline that have not returned yet.
  std::size_t overrun() const;

  struct Deadlines;  // the invocations in flight and the timer; defined in the .cpp

 private:
  void start(FunctionVersionPtr version, nlohmann::json event, std::string invoked_arn,
             InvokeCallback done, bool detached);

  std::shared_ptr<Deadlines> deadlines_;
  boost::asio::any_io_executor executor_;
};

// Runs `version`'s handler on the calling thread and shapes its outcome (Lambda's error payload
// for exceptions). Exposed for tests.
nlohmann::json run_handler(const FunctionVersion& version, const nlohmann::json& event,
                           const lambda_runtime::Context& context, bool& failed);

}  // namespace emu::lambda
