#include "terminate.h"

#include <nanomsg/nn.h>
#include <pthread.h>
#include <uv.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

#include "addon.h"
#include "device.h"
#include "inproc_gate.h"

namespace nnts {
namespace term {

namespace {

struct State {
  std::atomic<bool> terminated{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::unordered_set<Addon*> environments;
  // Environments that have not yet stopped their watchers.
  std::unordered_set<Addon*> pending;
  // Device threads still running.
  std::unordered_set<Device*> devices;
};

// Never destroyed: the terminator thread may still use it while the process
// exits and static destructors run.
State& S() {
  static State* state = new State;
  return *state;
}

void RunTerminator(void*) {
  State& s = S();
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    s.changed.wait(lock, [&s] { return s.pending.empty() && s.devices.empty(); });
  }
  // nn_term ends every inproc pipe at once.
  inproc_gate::Closing exclusive(true);
  nn_term();
}

}  // namespace

bool Terminated() { return S().terminated.load(std::memory_order_acquire); }

void AddEnvironment(Addon* addon) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.environments.insert(addon);
}

void RemoveEnvironment(Addon* addon) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.environments.erase(addon);
  s.pending.erase(addon);
  s.changed.notify_all();
}

bool AddDevice(Device* device) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.terminated.load()) return false;
  s.devices.insert(device);
  return true;
}

void RemoveDevice(Device* device) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.devices.erase(device);
  s.changed.notify_all();
}

void Acknowledge(Addon* addon) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.pending.erase(addon);
  s.changed.notify_all();
}

void Terminate(Addon* caller) {
  State& s = S();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.terminated.exchange(true)) return;
    for (Device* d : s.devices) d->Stop(ETERM);
    // Under the lock, an environment cannot unregister (and close its loop
    // handle) meanwhile. One that cannot be woken has nothing watched.
    for (Addon* a : s.environments) {
      if (a != caller && a->NotifyTerminated()) s.pending.insert(a);
    }
  }
  // This environment's watchers stop now, and its JavaScript hears of it.
  caller->OnTerminated();
  // Detached: nobody waits for it, and a joinable thread never joined would
  // keep its resources until the process ends.
  uv_thread_t terminator;
  if (uv_thread_create(&terminator, RunTerminator, nullptr) != 0) {
    RunTerminator(nullptr);
  } else {
    pthread_detach(terminator);
  }
}

}  // namespace term
}  // namespace nnts
