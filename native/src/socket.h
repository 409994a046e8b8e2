// A nanomsg socket as a JavaScript object: the one generic primitive that the
// TypeScript layer builds every protocol on.
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "fd_watcher.h"
#include "held_messages.h"

namespace nnts {

class Addon;
class Device;

// Readiness bits passed to the JavaScript `onReady(events)` callback and to
// `watch(events)`; kTerminated is only ever passed to `onReady`, once, when
// terminate() was called (in this or another environment).
enum Events : int { kReadable = 1, kWritable = 2, kTerminated = 4 };

class Socket : public Napi::ObjectWrap<Socket> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new Socket(domain, protocol, onReady)
  explicit Socket(const Napi::CallbackInfo& info);
  ~Socket() override;

  // Stops the watchers and closes the nanomsg socket in the calling thread.
  // Used only when the environment is torn down, when blocking is harmless.
  void CloseNow();

  // terminate() was called: stop the watchers and tell JavaScript (onReady
  // with kTerminated). JavaScript thread of this environment only.
  void Terminate();

  // The nanomsg socket number, -1 once closed.
  int Handle() const { return s_; }
  // The Socket behind a JavaScript value of this environment, or nullptr.
  static Socket* FromValue(Addon* addon, Napi::Value v);

  // For tests only (testing_hooks.cc): one message as a Buffer, or
  // undefined on EAGAIN (see RecvFirst for `retry`); RecvMsg the same with
  // its SP header, as { body, header }.
  Napi::Value Recv(Napi::Env env, bool retry);
  Napi::Value RecvMsg(Napi::Env env);
  // Devices forwarding from or to this socket; close() stops them before
  // nn_close.
  void AttachDevice(std::shared_ptr<Device> d) { devices_.push_back(std::move(d)); }
  void DetachDevice(Device* d);

 private:
  // socket.cc: lifetime, endpoints, options, statistics.
  Napi::Value Id(const Napi::CallbackInfo& info);
  Napi::Value Bind(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  Napi::Value SetIntOption(const Napi::CallbackInfo& info);
  Napi::Value SetBytesOption(const Napi::CallbackInfo& info);
  Napi::Value GetIntOption(const Napi::CallbackInfo& info);
  Napi::Value GetStringOption(const Napi::CallbackInfo& info);
  Napi::Value PollNow(const Napi::CallbackInfo& info);
  Napi::Value Statistic(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  bool CheckOpen(Napi::Env env, const char* syscall);
  Napi::Value EndpointCall(const Napi::CallbackInfo& info, bool bind);
  // Stops this socket's devices; with `wait`, until their threads let go.
  std::vector<std::shared_ptr<Device>> StopDevices(bool wait);

  // socket_send.cc
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Hold(const Napi::CallbackInfo& info);
  Napi::Value SendHeld(const Napi::CallbackInfo& info);
  Napi::Value Discard(const Napi::CallbackInfo& info);
  Napi::Value SendMsg(const Napi::CallbackInfo& info);

  // socket_recv.cc
  Napi::Value RecvInto(const Napi::CallbackInfo& info);
  Napi::Value RecvMsgInto(const Napi::CallbackInfo& info);
  // nn_recv of one message (NN_MSG, NN_DONTWAIT): its length, or -errno
  // (-EAGAIN when none is ready).
  int RecvFirst(bool retry, void** msg);
  // True when NN_RCVFD still signals a queued message (checked without waiting).
  bool StillReadable();
  // nn_recvmsg of one message: { body, header }, `undefined` on EAGAIN, or
  // an empty value with a pending exception.
  Napi::Value RecvMsgOne(Napi::Env env);
  // A received NN_MSG chunk as a Buffer (copied when small, else adopted);
  // empty, with the chunk freed, when no Buffer could be made.
  Napi::Value BodyBuffer(Napi::Env env, void* msg, size_t len);

  // socket_watch.cc: readiness.
  Napi::Value Watch(const Napi::CallbackInfo& info);
  bool SetWatcher(Napi::Env env, std::unique_ptr<FdWatcher>* slot, int option, int event,
                  int events, int keep);
  void StopWatchers();
  void PauseWatchers();
  static void OnReady(void* owner, int event);

  // The per-message methods, bound to this socket (see BindHotMethods).
  struct Self {
    Socket* socket;
  };
  void BindHotMethods(Napi::Object object);
  template <Napi::Value (Socket::*Method)(const Napi::CallbackInfo&)>
  static Napi::Function Bound(Napi::Env env, const char* name, const char* syscall,
                              std::shared_ptr<Self> self);

  Addon* addon_;
  std::shared_ptr<Self> self_;
  int s_ = -1;
  // Copies of messages that wait in core's send queue (hold), by id, as
  // nn_allocmsg chunks handed to nn_send with NN_MSG (no second copy).
  HeldMessages held_;
  // NN_PAIR (raw or cooked): its endpoints go through pair_guard::Endpoint.
  bool pair_ = false;
  // Has (or had) an inproc endpoint: its calls and its close go through
  // inproc_gate (see inproc_gate.h).
  bool inproc_ = false;
  // NN_RCVFD, read on first need: -2 not yet, -1 when the socket cannot receive.
  int rcvfd_ = -2;
  std::unique_ptr<FdWatcher> recv_watcher_;
  std::unique_ptr<FdWatcher> send_watcher_;
  int watching_ = 0;
  std::vector<std::shared_ptr<Device>> devices_;
  Napi::FunctionReference on_ready_;
  Napi::AsyncContext async_context_;
};

}  // namespace nnts
