#include "socket.h"

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "addon.h"
#include "args.h"
#include "device.h"
#include "errors.h"
#include "inproc_gate.h"
#include "pair_guard.h"
#include "terminate.h"

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
    CloseSocket(s_, inproc_);
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  int s_;
  bool inproc_;
  std::vector<std::shared_ptr<Device>> devices_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace

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
                         InstanceMethod<&Socket::Discard>("discard"),
                         InstanceMethod<&Socket::PollNow>("poll"),
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
  if (term::Terminated()) {
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
  BindHotMethods(info.This().As<Napi::Object>());
}

// The methods called per message or per wake-up are functions of the object's
// own, each bound to this Socket through its function data: an ObjectWrap
// method finds its Socket with napi_unwrap, a private-property lookup that V8
// does on its slow path, at every call. A bound function outliving the
// Socket (taken off a collected object) fails with EBADF.
template <Napi::Value (Socket::*Method)(const Napi::CallbackInfo&)>
Napi::Function Socket::Bound(Napi::Env env, const char* name, const char* syscall,
                             std::shared_ptr<Self> self) {
  return Napi::Function::New(
      env,
      [self, syscall](const Napi::CallbackInfo& info) -> Napi::Value {
        Socket* socket = self->socket;
        if (socket == nullptr) {
          ThrowNnError(info.Env(), EBADF, syscall);
          return Napi::Value();
        }
        return (socket->*Method)(info);
      },
      name);
}

void Socket::BindHotMethods(Napi::Object object) {
  Napi::Env env = object.Env();
  self_ = std::make_shared<Self>(Self{this});
  using Desc = Napi::PropertyDescriptor;
  object.DefineProperties({
      Desc::Value("send", Bound<&Socket::Send>(env, "send", "nn_send", self_)),
      Desc::Value("sendMsg", Bound<&Socket::SendMsg>(env, "sendMsg", "nn_sendmsg", self_)),
      Desc::Value("hold", Bound<&Socket::Hold>(env, "hold", "nn_send", self_)),
      Desc::Value("sendHeld", Bound<&Socket::SendHeld>(env, "sendHeld", "nn_send", self_)),
      Desc::Value("recvInto", Bound<&Socket::RecvInto>(env, "recvInto", "nn_recv", self_)),
      Desc::Value("recvMsgInto",
                  Bound<&Socket::RecvMsgInto>(env, "recvMsgInto", "nn_recvmsg", self_)),
      Desc::Value("watch", Bound<&Socket::Watch>(env, "watch", "nn_getsockopt", self_)),
  });
}

Socket::~Socket() {
  if (self_) self_->socket = nullptr;
  if (addon_ != nullptr) addon_->Untrack(this);
  StopWatchers();
  held_.Clear();
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
      CloseSocket(s_, inproc_);
    }
    s_ = -1;
  }
}

void Socket::CloseNow() {
  StopWatchers();
  held_.Clear();
  StopDevices(true);
  if (s_ >= 0) CloseSocket(s_, inproc_);
  s_ = -1;
  addon_ = nullptr;
}

bool Socket::CheckOpen(Napi::Env env, const char* syscall) {
  if (term::Terminated()) {
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

Socket* Socket::FromValue(Addon* addon, Napi::Value v) {
  if (!v.IsObject()) return nullptr;
  Napi::Object o = v.As<Napi::Object>();
  if (!o.InstanceOf(addon->socket_ctor.Value())) return nullptr;
  return Socket::Unwrap(o);
}

Napi::Value Socket::Id(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), s_); }

Napi::Value Socket::EndpointCall(const Napi::CallbackInfo& info, bool bind) {
  Napi::Env env = info.Env();
  const char* syscall = bind ? "nn_bind" : "nn_connect";
  if (!info[0].IsString()) {
    ThrowBadArgument(env, "a string address");
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
  int eid = pair_  ? pair_guard::Endpoint(s_, addr, bind, &err)
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
  if (pair_) pair_guard::Shutdown(s_, eid);
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
    ThrowBadArgument(env, "a string or bytes option value");
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
  StopWatchers();
  held_.Clear();
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
