#include "global.h"

#include <dlfcn.h>
#include <nanomsg/nn.h>
#include <uv.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

#include "addon.h"
#include "device.h"

namespace nnts {
namespace global {

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
  uv_thread_t terminator;
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
  nn_term();
}

}  // namespace

void PinLibrary() {
  static bool pinned = [] {
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&PinLibrary), &info) == 0 || info.dli_fname == nullptr)
      return false;
    // A second reference that is never released; RTLD_NODELETE keeps the
    // code mapped even if the loader's own reference goes.
    return dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE) != nullptr;
  }();
  (void)pinned;
}

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
    for (Addon* a : s.environments) {
      if (a == caller) continue;
      s.pending.insert(a);
      a->NotifyTerminated();
    }
  }
  // This environment's watchers stop now, and its JavaScript hears of it.
  caller->OnTerminated();
  if (uv_thread_create(&s.terminator, RunTerminator, nullptr) != 0) RunTerminator(nullptr);
}

}  // namespace global
}  // namespace nnts
