#include "inproc_gate.h"

#include <condition_variable>
#include <cstring>
#include <mutex>

namespace nnts {
namespace inproc_gate {

namespace {

// Writer-preferring: once a close waits, new shared entries wait (or miss)
// too, so a stream of device-thread calls cannot starve it.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  int callers = 0;
  int closers_waiting = 0;
  bool closing = false;
};

// Never destroyed: device and terminator threads may use it while the
// process exits and static destructors run.
Gate& G() {
  static Gate* gate = new Gate;
  return *gate;
}

}  // namespace

Call::Call(bool needed, Mode mode) : needed_(needed) {
  if (!needed) return;
  Gate& g = G();
  std::unique_lock<std::mutex> lock(g.mutex);
  if (mode == kTry) {
    if (g.closing || g.closers_waiting > 0) return;
  } else {
    g.changed.wait(lock, [&g] { return !g.closing && g.closers_waiting == 0; });
  }
  g.callers++;
  entered_ = true;
}

Call::~Call() {
  if (!entered_) return;
  Gate& g = G();
  std::lock_guard<std::mutex> lock(g.mutex);
  if (--g.callers == 0 && g.closers_waiting > 0) g.changed.notify_all();
}

Closing::Closing(bool needed) : needed_(needed) {
  if (!needed) return;
  Gate& g = G();
  std::unique_lock<std::mutex> lock(g.mutex);
  g.closers_waiting++;
  g.changed.wait(lock, [&g] { return !g.closing && g.callers == 0; });
  g.closers_waiting--;
  g.closing = true;
}

Closing::~Closing() {
  if (!needed_) return;
  Gate& g = G();
  std::lock_guard<std::mutex> lock(g.mutex);
  g.closing = false;
  g.changed.notify_all();
}

bool IsInproc(const char* address) { return std::strncmp(address, "inproc://", 9) == 0; }

}  // namespace inproc_gate
}  // namespace nnts
