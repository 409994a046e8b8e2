// Per-environment state of the nanomsg addon. Which thread owns what, and
// what code here may assume about its environment: ARCHITECTURE.md, "The
// native layer".
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace nnts {

class Addon;
class Device;
class Socket;

// The addon's `testing` export: hooks for tests and benchmarks that are not
// part of what core uses (testing_hooks.cc).
Napi::Object MakeTestingHooks(Napi::Env env, Addon* addon, int minimum_current);

// One instance per Node.js environment (main thread or worker), so nothing
// here is shared between threads. Process-wide library state (nn_term) is
// handled by terminate.h, pair_guard.h and inproc_gate.h.
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);
  ~Addon();

  uv_loop_t* Loop() const { return loop_; }
  // Messages up to this size are copied into a fresh Buffer; larger ones are
  // handed over as an external Buffer that frees the nanomsg message.
  size_t CopyThreshold() const { return copy_threshold_; }
  void SetCopyThreshold(size_t bytes) { copy_threshold_ = bytes; }
  // Builds the error object to throw for errno `err` raised by `syscall`.
  Napi::Value MakeError(Napi::Env env, int err, const char* syscall,
                        const std::string* address = nullptr) const;

  // nn_close(s) on the thread pool, for a socket collected unclosed; the
  // environment's teardown waits for it. `inproc` as for CloseSocket.
  void CloseInBackground(int s, bool inproc);

  void Track(Socket* s) { sockets_.insert(s); }
  void Untrack(Socket* s) { sockets_.erase(s); }
  void AddDevice(std::shared_ptr<Device> d);
  void ForgetDevice(Device* d) { devices_.erase(d); }

  // terminate() was called in another environment: OnTerminated will run on
  // this environment's loop. Any thread, under terminate.cc's lock (so the
  // environment is still registered). False when the loop cannot be woken:
  // nothing can be watched here then.
  bool NotifyTerminated();
  // Stops every watcher of this environment and tells its sockets'
  // JavaScript. JavaScript thread only.
  void OnTerminated();

  Napi::FunctionReference socket_ctor;

 private:
  Napi::Value Symbols(const Napi::CallbackInfo& info);
  Napi::Value Versions(const Napi::CallbackInfo& info);
  Napi::Value CompiledFeatures(const Napi::CallbackInfo& info);
  Napi::Value StrError(const Napi::CallbackInfo& info);
  void SetErrorClass(const Napi::CallbackInfo& info);
  Napi::Value StartDevice(const Napi::CallbackInfo& info);
  void Terminate(const Napi::CallbackInfo& info);
  static void OnTerminateAsync(uv_async_t* handle);
  // The environment is being torn down (napi async cleanup hook): close every
  // socket, device and handle while the addon is still loaded, and let Node
  // go on only once their close callbacks and background closes have run.
  static void OnCleanup(napi_async_cleanup_hook_handle handle, void* arg);
  void TearDown();
  void MaybeFinishCleanup();

  napi_env env_;
  uv_loop_t* loop_ = nullptr;
  uv_async_t* terminate_async_ = nullptr;
  napi_async_cleanup_hook_handle cleanup_hook_ = nullptr;
  bool torn_down_ = false;
  bool in_cleanup_ = false;
  bool sentinel_open_ = false;
  int background_closes_ = 0;
  size_t copy_threshold_ = 64 * 1024;
  Napi::FunctionReference error_class_;
  std::unordered_map<int, std::string> error_names_;
  std::unordered_set<Socket*> sockets_;
  std::unordered_map<Device*, std::shared_ptr<Device>> devices_;
};

}  // namespace nnts
