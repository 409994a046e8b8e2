#include "socket.h"

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <poll.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "addon.h"
#include "device.h"
#include "errors.h"
#include "global.h"
#include "inproc_gate.h"
#include "message.h"

namespace nnts {

namespace {

// Closes a nanomsg socket on the thread pool and settles a promise, so that
// nn_close (which waits for the socket's internal shutdown) never runs on the
// JavaScript thread. Devices using the socket were told to stop; their
// threads let go of it before nn_close.
class CloseWorker : public Napi::AsyncWorker {
 public:
  CloseWorker(Napi::Env env, int s, bool inproc, std::vector<std::shared_ptr<Device>> devices)
      : Napi::AsyncWorker(env, "nanomsg:close"),
        s_(s),
        inproc_(inproc),
        devices_(std::move(devices)),
        deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override {
    for (auto& d : devices_) d->WaitFinished();
    devices_.clear();
    global::CloseSocket(s_, inproc_);
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  int s_;
  bool inproc_;
  std::vector<std::shared_ptr<Device>> devices_;
  Napi::Promise::Deferred deferred_;
};

void FreeMessage(Napi::Env env, char* data, void* hint) {
  nn_freemsg(data);
  Napi::MemoryManagement::AdjustExternalMemory(
      env, -static_cast<int64_t>(reinterpret_cast<uintptr_t>(hint)));
}

// Views a JavaScript value as bytes: Buffer, any TypedArray, DataView or
// ArrayBuffer. Returns false when it is none of them.
bool GetBytes(Napi::Value v, const char** data, size_t* len) {
  napi_env env = v.Env();
  bool is = false;
  // A Buffer (the common case) in one call, without a handle for its
  // ArrayBuffer; its length in bytes.
  if (napi_is_buffer(env, v, &is) == napi_ok && is) {
    void* base;
    size_t length;
    if (napi_get_buffer_info(env, v, &base, &length) == napi_ok) {
      *data = static_cast<const char*>(base);
      *len = length;
      return true;
    }
  }
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t length, offset;
    napi_value ab;
    void* base;
    napi_get_typedarray_info(env, v, &type, &length, &base, &ab, &offset);
    size_t elem = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array:
        elem = 2;
        break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        elem = 4;
        break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array:
        elem = 8;
        break;
      default:
        break;
    }
    *data = static_cast<const char*>(base);
    *len = length * elem;
    return true;
  }
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    size_t length, offset;
    napi_value ab;
    void* base;
    napi_get_dataview_info(env, v, &length, &base, &ab, &offset);
    *data = static_cast<const char*>(base);
    *len = length;
    return true;
  }
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    void* base;
    size_t length;
    napi_get_arraybuffer_info(env, v, &base, &length);
    *data = static_cast<const char*>(base);
    *len = length;
    return true;
  }
  return false;
}

bool GetInt(const Napi::CallbackInfo& info, size_t i, int* out) {
  if (!info[i].IsNumber()) {
    ThrowTypeError(info.Env(), "expected an integer argument");
    return false;
  }
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= INT32_MIN && d <= INT32_MAX) || d != static_cast<double>(static_cast<int32_t>(d))) {
    ThrowRangeError(info.Env(), "expected a 32-bit integer argument");
    return false;
  }
  *out = static_cast<int>(d);
  return true;
}

// The `max` argument (at `index`) of recvInto / recvMsgMany: an integer of at
// least 1.
bool GetBatchMax(const Napi::CallbackInfo& info, size_t index, int* max) {
  if (!GetInt(info, index, max)) return false;
  if (*max >= 1) return true;
  ThrowRangeError(info.Env(), "max must be at least 1");
  return false;
}

// An optional boolean argument. Read with the raw call: node-addon-api's
// ToBoolean() yields an empty value when the environment is going away, and
// using that aborts the process.
bool OptionalFlag(const Napi::CallbackInfo& info, size_t i, bool fallback) {
  if (i >= info.Length()) return fallback;
  bool value;
  return napi_get_value_bool(info.Env(), info[i], &value) == napi_ok ? value : fallback;
}

}  // namespace

struct Socket::Poll {
  bool active = false;
  uv_poll_t handle;
  Socket* owner;
  int event;
};

Napi::Function Socket::Define(Napi::Env env) {
  return DefineClass(env, "NativeSocket",
                     {
                         InstanceAccessor<&Socket::Id>("id"),
                         InstanceMethod<&Socket::Bind>("bind"),
                         InstanceMethod<&Socket::Connect>("connect"),
                         InstanceMethod<&Socket::Shutdown>("shutdown"),
                         InstanceMethod<&Socket::SetIntOption>("setIntOption"),
                         InstanceMethod<&Socket::SetBytesOption>("setBytesOption"),
                         InstanceMethod<&Socket::GetIntOption>("getIntOption"),
                         InstanceMethod<&Socket::GetStringOption>("getStringOption"),
                         InstanceMethod<&Socket::Send>("send"),
                         InstanceMethod<&Socket::Recv>("recv"),
                         InstanceMethod<&Socket::RecvInto>("recvInto"),
                         InstanceMethod<&Socket::SendMsg>("sendMsg"),
                         InstanceMethod<&Socket::Hold>("hold"),
                         InstanceMethod<&Socket::SendHeld>("sendHeld"),
                         InstanceMethod<&Socket::Discard>("discard"),
                         InstanceMethod<&Socket::RecvMsg>("recvMsg"),
                         InstanceMethod<&Socket::RecvMsgMany>("recvMsgMany"),
                         InstanceMethod<&Socket::PollNow>("poll"),
                         InstanceMethod<&Socket::Watch>("watch"),
                         InstanceMethod<&Socket::Statistic>("statistic"),
                         InstanceMethod<&Socket::Close>("close"),
                     });
}

Socket::Socket(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Socket>(info),
      addon_(info.Env().GetInstanceData<Addon>()),
      async_context_(info.Env(), "nanomsg:Socket") {
  Napi::Env env = info.Env();
  int domain, protocol;
  if (!GetInt(info, 0, &domain) || !GetInt(info, 1, &protocol)) return;
  if (!info[2].IsFunction()) {
    ThrowTypeError(env, "onReady must be a function");
    return;
  }
  // nn_term may not have run yet (it runs in the background), but the
  // process is terminated from the moment terminate() was called.
  if (global::Terminated()) {
    ThrowNnError(env, ETERM, "nn_socket");
    return;
  }
  int s = nn_socket(domain, protocol);
  if (s < 0) {
    ThrowNnError(env, nn_errno(), "nn_socket");
    return;
  }
  s_ = s;
  pair_ = protocol == NN_PAIR;
  // Weak until a watcher runs: an idle socket must not keep itself alive.
  on_ready_ = Napi::Reference<Napi::Function>::New(info[2].As<Napi::Function>(), 0);
  addon_->Track(this);
}

Socket::~Socket() {
  if (addon_ != nullptr) addon_->Untrack(this);
  StopPolls();
  FreeHeld();
  // A device keeps its sockets' objects alive, so this happens only while the
  // environment is torn down.
  StopDevices(true);
  if (s_ >= 0) {
    // Collected unclosed: no JavaScript may run here, so nn_close goes to the
    // thread pool directly. (Once the environment is being torn down, its
    // sockets were closed already and addon_ is null.)
    if (addon_ != nullptr) {
      addon_->CloseInBackground(s_, inproc_);
    } else {
      global::CloseSocket(s_, inproc_);
    }
    s_ = -1;
  }
}

void Socket::CloseNow() {
  StopPolls();
  FreeHeld();
  StopDevices(true);
  if (s_ >= 0) global::CloseSocket(s_, inproc_);
  s_ = -1;
  addon_ = nullptr;
}

bool Socket::CheckOpen(Napi::Env env, const char* syscall) {
  if (global::Terminated()) {
    ThrowNnError(env, ETERM, syscall);
    return false;
  }
  if (s_ >= 0) return true;
  ThrowNnError(env, EBADF, syscall);
  return false;
}

std::vector<std::shared_ptr<Device>> Socket::StopDevices(bool wait) {
  std::vector<std::shared_ptr<Device>> stopped = devices_;
  for (auto& d : stopped) d->Stop(EBADF);
  if (wait) {
    for (auto& d : stopped) {
      d->WaitFinished();
      d->ForgetSocket(this);
    }
    devices_.clear();
  }
  return stopped;
}

void Socket::DetachDevice(Device* d) {
  devices_.erase(std::remove_if(devices_.begin(), devices_.end(),
                                [d](const std::shared_ptr<Device>& p) { return p.get() == d; }),
                 devices_.end());
}

Napi::Value Socket::Id(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), s_); }

Napi::Value Socket::EndpointCall(const Napi::CallbackInfo& info, bool bind) {
  Napi::Env env = info.Env();
  const char* syscall = bind ? "nn_bind" : "nn_connect";
  if (!info[0].IsString()) {
    ThrowTypeError(env, "address must be a string");
    return Napi::Value();
  }
  std::string addr = info[0].As<Napi::String>().Utf8Value();
  if (addr.find('\0') != std::string::npos) {
    ThrowNnError(env, EINVAL, syscall, &addr);
    return Napi::Value();
  }
  if (!CheckOpen(env, syscall)) return Napi::Value();
  // Marked before the call: a failed inproc connect may still have met a peer.
  const bool inproc = inproc_gate::IsInproc(addr.c_str());
  if (inproc) inproc_ = true;
  inproc_gate::Call gate(inproc, inproc_gate::Call::kWait);
  int err = 0;
  int eid = pair_  ? global::PairEndpoint(s_, addr, bind, &err)
            : bind ? nn_bind(s_, addr.c_str())
                   : nn_connect(s_, addr.c_str());
  if (eid < 0) {
    ThrowNnError(env, pair_ ? err : nn_errno(), syscall, &addr);
    return Napi::Value();
  }
  return Napi::Number::New(env, eid);
}

Napi::Value Socket::Bind(const Napi::CallbackInfo& info) { return EndpointCall(info, true); }
Napi::Value Socket::Connect(const Napi::CallbackInfo& info) { return EndpointCall(info, false); }

Napi::Value Socket::Shutdown(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int eid;
  if (!GetInt(info, 0, &eid)) return Napi::Value();
  if (!CheckOpen(env, "nn_shutdown")) return Napi::Value();
  int rc;
  {
    // Shutting an inproc endpoint down ends its pipes as nn_close does.
    inproc_gate::Closing exclusive(inproc_);
    while ((rc = nn_shutdown(s_, eid)) != 0 && nn_errno() == EINTR) {
    }
  }
  if (rc != 0) {
    ThrowNnError(env, nn_errno(), "nn_shutdown");
    return Napi::Value();
  }
  if (pair_) global::PairShutdown(s_, eid);
  return env.Undefined();
}

Napi::Value Socket::SetIntOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int level, option, value;
  if (!GetInt(info, 0, &level) || !GetInt(info, 1, &option) || !GetInt(info, 2, &value))
    return Napi::Value();
  if (!CheckOpen(env, "nn_setsockopt")) return Napi::Value();
  if (nn_setsockopt(s_, level, option, &value, sizeof(value)) != 0)
    ThrowNnError(env, nn_errno(), "nn_setsockopt");
  return env.Undefined();
}

Napi::Value Socket::SetBytesOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int level, option;
  if (!GetInt(info, 0, &level) || !GetInt(info, 1, &option)) return Napi::Value();
  std::string text;
  const char* data = nullptr;
  size_t len = 0;
  if (info[2].IsString()) {
    text = info[2].As<Napi::String>().Utf8Value();
    data = text.data();
    len = text.size();
  } else if (!GetBytes(info[2], &data, &len)) {
    ThrowTypeError(env, "option value must be a string or bytes");
    return Napi::Value();
  }
  if (!CheckOpen(env, "nn_setsockopt")) return Napi::Value();
  if (nn_setsockopt(s_, level, option, len == 0 ? "" : data, len) != 0)
    ThrowNnError(env, nn_errno(), "nn_setsockopt");
  return env.Undefined();
}

Napi::Value Socket::GetIntOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int level, option;
  if (!GetInt(info, 0, &level) || !GetInt(info, 1, &option)) return Napi::Value();
  if (!CheckOpen(env, "nn_getsockopt")) return Napi::Value();
  int value = 0;
  size_t size = sizeof(value);
  if (nn_getsockopt(s_, level, option, &value, &size) != 0) {
    ThrowNnError(env, nn_errno(), "nn_getsockopt");
    return Napi::Value();
  }
  return Napi::Number::New(env, value);
}

Napi::Value Socket::GetStringOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int level, option;
  if (!GetInt(info, 0, &level) || !GetInt(info, 1, &option)) return Napi::Value();
  if (!CheckOpen(env, "nn_getsockopt")) return Napi::Value();
  char value[512];
  size_t size = sizeof(value);
  if (nn_getsockopt(s_, level, option, value, &size) != 0) {
    ThrowNnError(env, nn_errno(), "nn_getsockopt");
    return Napi::Value();
  }
  if (size > sizeof(value)) size = sizeof(value);
  size_t n = strnlen(value, size);
  return Napi::String::New(env, value, n);
}

// send(message): true when the library took the message, false on EAGAIN.
Napi::Value Socket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int rc;
  if (info[0].IsString()) {
    napi_value str = info[0];
    size_t len = 0;
    napi_get_value_string_utf8(env, str, nullptr, 0, &len);
    if (!CheckOpen(env, "nn_send")) return Napi::Value();
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return Napi::Boolean::New(env, false);
    char stack[4096];
    if (len < sizeof(stack)) {
      napi_get_value_string_utf8(env, str, stack, sizeof(stack), &len);
      rc = nn_send(s_, stack, len, NN_DONTWAIT);
    } else {
      void* msg = nn_allocmsg(len + 1, 0);
      if (msg == nullptr) {
        ThrowNnError(env, nn_errno(), "nn_allocmsg");
        return Napi::Value();
      }
      napi_get_value_string_utf8(env, str, static_cast<char*>(msg), len + 1, &len);
      void* resized = nn_reallocmsg(msg, len);
      if (resized != nullptr) msg = resized;
      rc = nn_send(s_, &msg, NN_MSG, NN_DONTWAIT);
      if (rc < 0) nn_freemsg(msg);
    }
  } else {
    const char* data;
    size_t len;
    if (!GetBytes(info[0], &data, &len)) {
      ThrowTypeError(env, "message must be a string, Buffer, TypedArray, DataView or ArrayBuffer");
      return Napi::Value();
    }
    if (!CheckOpen(env, "nn_send")) return Napi::Value();
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return Napi::Boolean::New(env, false);
    rc = nn_send(s_, len == 0 ? "" : data, len, NN_DONTWAIT);
  }
  if (rc >= 0) return Napi::Boolean::New(env, true);
  int err = nn_errno();
  if (err == EAGAIN || err == EINTR) return Napi::Boolean::New(env, false);
  ThrowNnError(env, err, "nn_send");
  return Napi::Value();
}

int Socket::RecvFirst(bool retry, void** msg) {
  // A protocol may drop what it dequeued (a SUB's filter, a stale reply or
  // survey answer) and report EAGAIN although more messages wait: with
  // `retry`, try again while the library still signals one, a bounded number
  // of times. A caller about to watch NN_RCVFD passes false: the watcher
  // fires at once if the descriptor still signals, saving the poll(2) here.
  for (int attempt = 0;; attempt++) {
    int rc = nn_recv(s_, msg, NN_MSG, NN_DONTWAIT);
    if (rc >= 0) return rc;
    int err = nn_errno();
    if (err != EAGAIN && err != EINTR) return -err;
    if (!retry || attempt >= 1024 || !StillReadable()) return -EAGAIN;
  }
}

bool Socket::StillReadable() {
  if (rcvfd_ == -2) {
    int fd = -1;
    size_t size = sizeof(fd);
    rcvfd_ = nn_getsockopt(s_, NN_SOL_SOCKET, NN_RCVFD, &fd, &size) == 0 ? fd : -1;
  }
  if (rcvfd_ < 0) return false;
  struct pollfd p = {rcvfd_, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

Napi::Value Socket::BodyBuffer(Napi::Env env, void* msg, size_t len) {
  // Either way the message is freed if no Buffer could be made (the
  // environment is going away): the result is then empty.
  if (len <= addon_->CopyThreshold()) {
    Napi::Value buf = Napi::Buffer<char>::Copy(env, static_cast<char*>(msg), len);
    nn_freemsg(msg);
    return buf;
  }
  Napi::Value buf = Napi::Buffer<char>::New(env, static_cast<char*>(msg), len, FreeMessage,
                                            reinterpret_cast<void*>(static_cast<uintptr_t>(len)));
  if (buf.IsEmpty()) {
    nn_freemsg(msg);
    return buf;
  }
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(len));
  return buf;
}

// recv(retry = true): one message as a Buffer, or undefined on EAGAIN (see
// RecvFirst for `retry`).
Napi::Value Socket::Recv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "nn_recv")) return Napi::Value();
  void* msg = nullptr;
  int rc;
  {
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return env.Undefined();
    rc = RecvFirst(OptionalFlag(info, 0, true), &msg);
  }
  if (rc >= 0) return BodyBuffer(env, msg, static_cast<size_t>(rc));
  if (rc == -EAGAIN) return env.Undefined();
  ThrowNnError(env, -rc, "nn_recv");
  return Napi::Value();
}

// recvInto(pool, offset, max, retry = true): up to `max` messages that are
// ready now, in order. Small messages (up to the copy threshold and kPoolMessageMax) are copied
// into `pool`, a Buffer the caller owns, from `offset` on, each as a 32-bit little-endian length
// then its bytes, while they fit: no JavaScript object per message or per batch. Returns undefined
// when no message is ready; the end offset of what was written; a Buffer for a message that does
// not go into the pool when it comes first (it ends the batch); or [end, Buffer] when it comes
// after pooled ones. The caller cuts views out of the pool and never passes an offset below what it
// handed out.
Napi::Value Socket::RecvInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBuffer()) {
    ThrowTypeError(env, "pool must be a Buffer");
    return Napi::Value();
  }
  Napi::Buffer<uint8_t> pool = info[0].As<Napi::Buffer<uint8_t>>();
  uint8_t* base = pool.Data();
  const size_t capacity = pool.Length();
  int offset_arg;
  if (!GetInt(info, 1, &offset_arg)) return Napi::Value();
  if (offset_arg < 0 || static_cast<size_t>(offset_arg) > capacity) {
    ThrowRangeError(env, "offset must be within the pool");
    return Napi::Value();
  }
  int max;
  if (!GetBatchMax(info, 2, &max)) return Napi::Value();
  const bool retry = OptionalFlag(info, 3, true);
  if (!CheckOpen(env, "nn_recv")) return Napi::Value();
  constexpr size_t kPoolMessageMax = 2048;
  const size_t small = std::min(addon_->CopyThreshold(), kPoolMessageMax);
  const size_t start = static_cast<size_t>(offset_arg);
  size_t at = start;
  void* last = nullptr;
  size_t last_len = 0;
  // Left before any JavaScript value is made below.
  std::optional<inproc_gate::Call> gate;
  gate.emplace(inproc_, inproc_gate::Call::kTry);
  if (!gate->entered()) return env.Undefined();
  for (int i = 0; i < max; i++) {
    void* msg = nullptr;
    // Only the first message retries EAGAIN (see RecvFirst).
    int rc = i == 0 ? RecvFirst(retry, &msg) : nn_recv(s_, &msg, NN_MSG, NN_DONTWAIT);
    if (rc < 0) {
      // Messages taken so far are not lost: hand them over; a failure shows
      // again on the next call.
      if (i > 0) break;
      gate.reset();
      if (rc == -EAGAIN) return env.Undefined();
      ThrowNnError(env, -rc, "nn_recv");
      return Napi::Value();
    }
    size_t len = static_cast<size_t>(rc);
    if (len <= small && capacity - at >= 4 + len) {
      uint8_t* p = base + at;
      p[0] = static_cast<uint8_t>(len);
      p[1] = static_cast<uint8_t>(len >> 8);
      p[2] = static_cast<uint8_t>(len >> 16);
      p[3] = static_cast<uint8_t>(len >> 24);
      std::memcpy(p + 4, msg, len);
      at += 4 + len;
      nn_freemsg(msg);
      continue;
    }
    last = msg;
    last_len = len;
    break;
  }
  gate.reset();
  Napi::Number end = Napi::Number::New(env, static_cast<double>(at));
  if (last == nullptr) return end;
  Napi::Value alone = BodyBuffer(env, last, last_len);
  if (at == start || alone.IsEmpty()) return alone;
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, end);
  out.Set(1u, alone);
  return out;
}

// hold(bytes): copies a message that has to wait in core's send queue into
// an nn_allocmsg chunk kept here, so that the caller may change its own bytes
// meanwhile; returns its id. sendHeld(id) later hands the chunk to nn_send
// with NN_MSG (no second copy): true when the library took it (the chunk is
// its own then), false on EAGAIN. discard(id) frees a copy that will not be
// sent (a timeout, an abort, close); unknown ids are ignored. Closing or
// collecting the socket frees what is left.
Napi::Value Socket::Hold(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* data;
  size_t len;
  if (!GetBytes(info[0], &data, &len)) {
    ThrowTypeError(env, "message must be a Buffer, TypedArray, DataView or ArrayBuffer");
    return Napi::Value();
  }
  if (!CheckOpen(env, "nn_send")) return Napi::Value();
  void* msg = nn_allocmsg(len, 0);
  if (msg == nullptr) {
    ThrowNnError(env, nn_errno(), "nn_allocmsg");
    return Napi::Value();
  }
  if (len > 0) std::memcpy(msg, data, len);
  // Ids are never reused: a double holds every integer up to 2^53.
  double id = next_held_++;
  held_[id] = msg;
  return Napi::Number::New(env, id);
}

Napi::Value Socket::SendHeld(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, "id must be a number");
    return Napi::Value();
  }
  auto it = held_.find(info[0].As<Napi::Number>().DoubleValue());
  if (it == held_.end()) {
    ThrowRangeError(env, "no such held message");
    return Napi::Value();
  }
  if (!CheckOpen(env, "nn_send")) return Napi::Value();
  inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
  if (!gate.entered()) return Napi::Boolean::New(env, false);
  void* msg = it->second;
  if (nn_send(s_, &msg, NN_MSG, NN_DONTWAIT) >= 0) {
    held_.erase(it);
    return Napi::Boolean::New(env, true);
  }
  int err = nn_errno();
  if (err == EAGAIN || err == EINTR) return Napi::Boolean::New(env, false);
  ThrowNnError(env, err, "nn_send");
  return Napi::Value();
}

Napi::Value Socket::Discard(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, "id must be a number");
    return Napi::Value();
  }
  auto it = held_.find(info[0].As<Napi::Number>().DoubleValue());
  if (it != held_.end()) {
    nn_freemsg(it->second);
    held_.erase(it);
  }
  return env.Undefined();
}

void Socket::FreeHeld() {
  for (auto& [id, msg] : held_) nn_freemsg(msg);
  held_.clear();
}

// sendMsg(body, header): nn_sendmsg with the SP header as control data;
// true when the library took the message, false on EAGAIN.
Napi::Value Socket::SendMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string text;
  const char* data;
  size_t len;
  if (info[0].IsString()) {
    text = info[0].As<Napi::String>().Utf8Value();
    data = text.data();
    len = text.size();
  } else if (!GetBytes(info[0], &data, &len)) {
    ThrowTypeError(env, "body must be a string, Buffer, TypedArray, DataView or ArrayBuffer");
    return Napi::Value();
  }
  const char* header;
  size_t header_len;
  if (!GetBytes(info[1], &header, &header_len)) {
    ThrowTypeError(env, "header must be a Buffer, TypedArray, DataView or ArrayBuffer");
    return Napi::Value();
  }
  if (!CheckOpen(env, "nn_sendmsg")) return Napi::Value();
  inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
  if (!gate.entered()) return Napi::Boolean::New(env, false);
  int err = SendRawMessage(s_, const_cast<char*>(data), len, false, header, header_len);
  if (err == 0) return Napi::Boolean::New(env, true);
  if (err == EAGAIN || err == EINTR) return Napi::Boolean::New(env, false);
  ThrowNnError(env, err, "nn_sendmsg");
  return Napi::Value();
}

Napi::Value Socket::RecvMsgOne(Napi::Env env) {
  RawMessage m;
  int err;
  {
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return env.Undefined();
    err = RecvRawMessage(s_, &m);
  }
  if (err == EAGAIN || err == EINTR) return env.Undefined();
  if (err != 0) {
    ThrowNnError(env, err, "nn_recvmsg");
    return Napi::Value();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("body", BodyBuffer(env, m.body, m.size));
  m.body = nullptr;  // now owned by the Buffer (or freed after copying)
  out.Set("header",
          Napi::Buffer<char>::Copy(env, m.header != nullptr ? m.header : "", m.header_size));
  FreeRawMessage(&m);
  return out;
}

// recvMsg(): { body, header } with nn_recvmsg and NN_DONTWAIT, or undefined
// on EAGAIN. `header` holds the SP header bytes (empty on a cooked socket,
// whose protocol consumed them).
Napi::Value Socket::RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "nn_recvmsg")) return Napi::Value();
  return RecvMsgOne(env);
}

// recvMsgMany(max): up to `max` { body, header } ready now, in order.
Napi::Value Socket::RecvMsgMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int max;
  if (!GetBatchMax(info, 0, &max)) return Napi::Value();
  if (!CheckOpen(env, "nn_recvmsg")) return Napi::Value();
  Napi::Array out = Napi::Array::New(env);
  for (int i = 0; i < max; i++) {
    Napi::Value m = RecvMsgOne(env);
    if (m.IsEmpty()) {
      if (i > 0) {
        env.GetAndClearPendingException();
        break;
      }
      return Napi::Value();
    }
    if (m.IsUndefined()) break;
    out.Set(static_cast<uint32_t>(i), m);
  }
  return out;
}

// poll(events): nn_poll with timeout 0 on this socket; the ready bits among
// `events` (1 = a message can be received, 2 = one can be sent). Never waits.
Napi::Value Socket::PollNow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int events;
  if (!GetInt(info, 0, &events)) return Napi::Value();
  if (!CheckOpen(env, "nn_poll")) return Napi::Value();
  nn_pollfd pfd;
  pfd.fd = s_;
  pfd.events = static_cast<short>(((events & kReadable) ? NN_POLLIN : 0) |
                                  ((events & kWritable) ? NN_POLLOUT : 0));
  pfd.revents = 0;
  if (pfd.events == 0) return Napi::Number::New(env, 0);
  int rc;
  while ((rc = nn_poll(&pfd, 1, 0)) < 0 && nn_errno() == EINTR) {
  }
  if (rc < 0) {
    ThrowNnError(env, nn_errno(), "nn_poll");
    return Napi::Value();
  }
  int ready =
      ((pfd.revents & NN_POLLIN) ? kReadable : 0) | ((pfd.revents & NN_POLLOUT) ? kWritable : 0);
  return Napi::Number::New(env, ready);
}

void Socket::Terminate() {
  StopPolls();
  if (on_ready_.IsEmpty()) return;
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  Napi::Function callback = on_ready_.Value();
  Napi::Object self = Value();
  if (callback.IsEmpty() || self.IsEmpty()) return;
  napi_value argv[1] = {Napi::Number::New(env, kTerminated)};
  napi_value result;
  ReportCallbackFailure(env,
                        napi_make_callback(env, async_context_, self, callback, 1, argv, &result));
}

bool Socket::StartPoll(Napi::Env env, Poll** slot, int option, int event) {
  if (*slot != nullptr) {
    // The handle is kept between watches: start it again.
    if (!(*slot)->active) {
      int rc = uv_poll_start(&(*slot)->handle, UV_READABLE, OnPoll);
      if (rc != 0) {
        Napi::Error::New(env, std::string("uv_poll: ") + uv_strerror(rc))
            .ThrowAsJavaScriptException();
        return false;
      }
      (*slot)->active = true;
    }
    return true;
  }
  int fd = -1;
  size_t size = sizeof(fd);
  if (nn_getsockopt(s_, NN_SOL_SOCKET, option, &fd, &size) != 0) {
    ThrowNnError(env, nn_errno(), "nn_getsockopt");
    return false;
  }
  auto* p = new Poll;
  p->owner = this;
  p->event = event;
  p->handle.data = p;
  int rc = uv_poll_init(addon_->Loop(), &p->handle, fd);
  if (rc != 0) {
    // Not a handle yet (EEXIST when the user's own code watches this
    // descriptor on the same loop): nothing to close.
    delete p;
  } else if ((rc = uv_poll_start(&p->handle, UV_READABLE, OnPoll)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&p->handle),
             [](uv_handle_t* h) { delete static_cast<Poll*>(h->data); });
  }
  if (rc != 0) {
    Napi::Error::New(env, std::string("uv_poll: ") + uv_strerror(rc)).ThrowAsJavaScriptException();
    return false;
  }
  p->active = true;
  *slot = p;
  return true;
}

// Stops watching but keeps the handle, so watching again costs no uv_poll_init
// (its epoll_ctl ADD/DEL check and ioctl), no malloc and no uv_close.
void Socket::PausePoll(Poll** slot) {
  Poll* p = *slot;
  if (p == nullptr || !p->active) return;
  uv_poll_stop(&p->handle);
  p->active = false;
}

void Socket::StopPoll(Poll** slot) {
  Poll* p = *slot;
  if (p == nullptr) return;
  *slot = nullptr;
  uv_poll_stop(&p->handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&p->handle),
           [](uv_handle_t* h) { delete static_cast<Poll*>(h->data); });
}

void Socket::StopPolls() {
  StopPoll(&recv_poll_);
  StopPoll(&send_poll_);
  if (watching_ != 0 && !on_ready_.IsEmpty()) on_ready_.Unref();
  watching_ = 0;
}

// watch(events, keep): watch NN_RCVFD (events & 1) and/or NN_SNDFD (events &
// 2) on this environment's loop. While anything in `events` is watched the
// socket and its callback stay alive and keep the loop running. A watcher
// whose bit is in `keep` but not in `events` goes on running if it runs,
// without keeping the loop or the socket alive: the caller expects to wait
// again soon, and stopping and restarting costs two epoll_ctl calls (it
// stops it for good on its next wake-up if nobody waits by then). Others stop.
Napi::Value Socket::Watch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int events;
  if (!GetInt(info, 0, &events)) return Napi::Value();
  int keep = 0;
  if (info.Length() > 1 && !GetInt(info, 1, &keep)) return Napi::Value();
  if (global::Terminated()) {
    // Nothing is watched any more; the onReady(kTerminated) call that this
    // environment gets (at once, or soon from its loop) fails what waits.
    // Not an error here: this runs from timers and abort handlers too.
    StopPolls();
    return env.Undefined();
  }
  if (!CheckOpen(env, "nn_getsockopt")) return Napi::Value();
  int was = watching_;
  if (!SetPoll(env, &recv_poll_, NN_RCVFD, kReadable, events, keep)) return Napi::Value();
  if (!SetPoll(env, &send_poll_, NN_SNDFD, kWritable, events, keep)) {
    PausePoll(&recv_poll_);
    if (was != 0) on_ready_.Unref();
    watching_ = 0;
    return Napi::Value();
  }
  watching_ = events & (kReadable | kWritable);
  if (was == 0 && watching_ != 0) on_ready_.Ref();
  if (was != 0 && watching_ == 0) on_ready_.Unref();
  return env.Undefined();
}

// One watcher's part of Watch: started and counted by the loop, left running
// but not counted (kept), or stopped.
bool Socket::SetPoll(Napi::Env env, Poll** slot, int option, int event, int events, int keep) {
  if (events & event) {
    if (!StartPoll(env, slot, option, event)) return false;
    uv_ref(reinterpret_cast<uv_handle_t*>(&(*slot)->handle));
  } else if ((keep & event) && *slot != nullptr && (*slot)->active) {
    uv_unref(reinterpret_cast<uv_handle_t*>(&(*slot)->handle));
  } else {
    PausePoll(slot);
  }
  return true;
}

void Socket::OnPoll(uv_poll_t* handle, int status, int) {
  Poll* p = static_cast<Poll*>(handle->data);
  Socket* self = p->owner;
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  // A poll error (the descriptor went away) is reported as readiness: the
  // next library call then reports the real error.
  (void)status;
  // A kept watcher (see Watch) does not hold the socket: if its objects were
  // collected and the finalizer has not run yet, there is nobody to tell.
  Napi::Object receiver = self->Value();
  Napi::Function callback = self->on_ready_.Value();
  if (receiver.IsEmpty() || callback.IsEmpty()) {
    self->PausePoll(&self->recv_poll_);
    self->PausePoll(&self->send_poll_);
    return;
  }
  napi_value argv[1] = {Napi::Number::New(env, p->event)};
  napi_value result;
  ReportCallbackFailure(
      env, napi_make_callback(env, self->async_context_, receiver, callback, 1, argv, &result));
}

Napi::Value Socket::Statistic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int stat;
  if (!GetInt(info, 0, &stat)) return Napi::Value();
  if (!CheckOpen(env, "nn_get_statistic")) return Napi::Value();
#if defined(NN_STAT_MESSAGES_SENT)
  uint64_t v = nn_get_statistic(s_, stat);
  if (v == static_cast<uint64_t>(-1)) {
    ThrowNnError(env, nn_errno(), "nn_get_statistic");
    return Napi::Value();
  }
  return Napi::Number::New(env, static_cast<double>(v));
#else
  ThrowNnError(env, ENOTSUP, "nn_get_statistic");
  return Napi::Value();
#endif
}

// close(): stops the watchers at once, then closes the nanomsg socket on the
// thread pool. Resolves when nn_close returned. A second call resolves at once.
Napi::Value Socket::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StopPolls();
  FreeHeld();
  std::vector<std::shared_ptr<Device>> devices = StopDevices(false);
  if (s_ < 0) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Resolve(env.Undefined());
    return d.Promise();
  }
  int s = s_;
  s_ = -1;
  auto* worker = new CloseWorker(env, s, inproc_, std::move(devices));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace nnts
