#include "addon.h"

#include <dlfcn.h>
#include <nanomsg/nn.h>
#include <nanomsg/ws.h>

#include <cstring>
#include <vector>

#include "device.h"
#include "errors.h"
#include "pair_guard.h"
#include "socket.h"
#include "terminate.h"

namespace nnts {

namespace {

// The oldest library ABI this addon supports. Functions that arrived later are
// gated at compile time on the headers' NN_VERSION_* and reported in
// compiledFeatures().
constexpr int kMinCurrent = 5;
static_assert(NN_VERSION_CURRENT >= kMinCurrent, "nanomsg headers older than ABI 5 (1.0.0)");

bool RuntimeSymbol(const char* name, int* value) {
  for (int i = 0;; i++) {
    int v;
    const char* n = nn_symbol(i, &v);
    if (n == nullptr) return false;
    if (std::strcmp(n, name) == 0) {
      *value = v;
      return true;
    }
  }
}

// Keeps this addon (and the libnanomsg it links) loaded until the process
// exits, even when the environment that loaded it ends: threads of ours (the
// nn_term thread, devices) and of libnanomsg may outlive a worker, and Node
// unloads a worker's addons when it ends.
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

}  // namespace

Addon::Addon(Napi::Env env, Napi::Object exports) : env_(env) {
  if (napi_get_uv_event_loop(env, &loop_) != napi_ok) {
    Napi::Error::New(env, "nanomsg-ts: no event loop for this environment")
        .ThrowAsJavaScriptException();
    return;
  }
  // Wakes this environment when terminate() is called in another one; it
  // never keeps the loop alive by itself.
  terminate_async_ = new uv_async_t;
  if (uv_async_init(loop_, terminate_async_, OnTerminateAsync) != 0) {
    delete terminate_async_;
    terminate_async_ = nullptr;
  } else {
    terminate_async_->data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(terminate_async_));
  }
  PinLibrary();
  term::AddEnvironment(this);
  if (napi_add_async_cleanup_hook(env, OnCleanup, this, &cleanup_hook_) != napi_ok) {
    cleanup_hook_ = nullptr;
  }
  for (int i = 0;; i++) {
    nn_symbol_properties p;
    if (nn_symbol_info(i, &p, sizeof(p)) == 0) break;
    if (p.ns == NN_NS_ERROR) error_names_.emplace(p.value, p.name);
  }
  Napi::Function ctor = Socket::Define(env);
  socket_ctor = Napi::Persistent(ctor);
  exports.Set("Socket", ctor);
  // The readiness bits of onReady(events) and watch(events), so that core
  // reads them from here instead of writing them again.
  Napi::Object events = Napi::Object::New(env);
  events.Set("readable", static_cast<int>(kReadable));
  events.Set("writable", static_cast<int>(kWritable));
  events.Set("terminated", static_cast<int>(kTerminated));
  events.Freeze();
  exports.Set("events", events);
  exports.Set("testing", MakeTestingHooks(env, this, kMinCurrent));
  DefineAddon(exports, {
                           InstanceMethod<&Addon::Symbols>("symbols"),
                           InstanceMethod<&Addon::Versions>("versions"),
                           InstanceMethod<&Addon::CompiledFeatures>("compiledFeatures"),
                           InstanceMethod<&Addon::StrError>("strerror"),
                           InstanceMethod<&Addon::SetErrorClass>("setErrorClass"),
                           InstanceMethod<&Addon::StartDevice>("device"),
                           InstanceMethod<&Addon::Terminate>("terminate"),
                       });
}

Addon::~Addon() {
  // Normally TearDown ran in the cleanup hook already; this is the fallback
  // when the hook could not be registered.
  TearDown();
}

void Addon::OnCleanup(napi_async_cleanup_hook_handle handle, void* arg) {
  auto* self = static_cast<Addon*>(arg);
  self->cleanup_hook_ = handle;
  self->in_cleanup_ = true;
  self->TearDown();
  // One more handle, closed after all the others: its close callback runs in
  // the same or a later loop pass than theirs.
  auto* sentinel = new uv_async_t;
  if (uv_async_init(self->loop_, sentinel, nullptr) != 0) {
    delete sentinel;
  } else {
    sentinel->data = self;
    self->sentinel_open_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(sentinel), [](uv_handle_t* h) {
      auto* addon = static_cast<Addon*>(h->data);
      delete reinterpret_cast<uv_async_t*>(h);
      addon->sentinel_open_ = false;
      addon->MaybeFinishCleanup();
    });
  }
  self->MaybeFinishCleanup();
}

void Addon::MaybeFinishCleanup() {
  if (!in_cleanup_ || cleanup_hook_ == nullptr || sentinel_open_ || background_closes_ > 0) return;
  napi_async_cleanup_hook_handle hook = cleanup_hook_;
  cleanup_hook_ = nullptr;
  napi_remove_async_cleanup_hook(hook);
}

void Addon::TearDown() {
  if (torn_down_) return;
  torn_down_ = true;
  // First, so that terminate() in another environment no longer wakes this
  // one (its loop handle is closed below).
  term::RemoveEnvironment(this);
  // The environment is going away (process exit or a worker ending): close
  // what is still open. Blocking here no longer holds up any JavaScript.
  std::vector<Socket*> open(sockets_.begin(), sockets_.end());
  sockets_.clear();
  for (Socket* s : open) s->CloseNow();
  // Their threads have let go by now; close their loop handles.
  auto devices = std::move(devices_);
  devices_.clear();
  for (auto& entry : devices) entry.second->Abandon();
  devices.clear();
  if (terminate_async_ != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(terminate_async_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
    terminate_async_ = nullptr;
  }
}

void Addon::CloseInBackground(int s, bool inproc) {
  struct Work {
    uv_work_t req;
    Addon* addon;
    int s;
    bool inproc;
  };
  auto* work = new Work{uv_work_t(), this, s, inproc};
  work->req.data = work;
  int rc = uv_queue_work(
      loop_, &work->req,
      [](uv_work_t* r) {
        auto* w = static_cast<Work*>(r->data);
        CloseSocket(w->s, w->inproc);
      },
      [](uv_work_t* r, int) {
        auto* w = static_cast<Work*>(r->data);
        Addon* addon = w->addon;
        delete w;
        addon->background_closes_--;
        addon->MaybeFinishCleanup();
      });
  if (rc != 0) {
    delete work;
    CloseSocket(s, inproc);
    return;
  }
  background_closes_++;
}

void Addon::AddDevice(std::shared_ptr<Device> d) {
  Device* key = d.get();
  devices_.emplace(key, std::move(d));
}

bool Addon::NotifyTerminated() {
  if (terminate_async_ == nullptr) return false;
  uv_async_send(terminate_async_);
  return true;
}

void Addon::OnTerminateAsync(uv_async_t* handle) {
  auto* self = static_cast<Addon*>(handle->data);
  self->OnTerminated();
  term::Acknowledge(self);
}

void Addon::OnTerminated() {
  Napi::Env env(env_);
  Napi::HandleScope scope(env);
  // JavaScript runs in between (onReady), so walk a copy and skip sockets that
  // went away meanwhile.
  std::vector<Socket*> open(sockets_.begin(), sockets_.end());
  for (Socket* s : open) {
    if (sockets_.count(s) != 0) s->Terminate();
  }
}

// device(a, b?): see device.h.
Napi::Value Addon::StartDevice(const Napi::CallbackInfo& info) { return Device::Start(this, info); }

// terminate(): nn_term for the whole process, without blocking this thread.
void Addon::Terminate(const Napi::CallbackInfo&) { term::Terminate(this); }

Napi::Value Addon::MakeError(Napi::Env env, int err, const char* syscall,
                             const std::string* address) const {
  auto it = error_names_.find(err);
  std::string code;
  if (it != error_names_.end()) {
    code = it->second;
  } else {
    // A system errno outside nanomsg's table (ENOENT from an ipc path): its
    // symbolic name as libuv knows it.
    char name[64];
    uv_err_name_r(-err, name, sizeof(name));
    code = std::strncmp(name, "Unknown", 7) != 0 ? name : "ERRNO_" + std::to_string(err);
  }
  const char* message = nn_strerror(err);
  if (error_class_.IsEmpty()) {
    Napi::Error e = Napi::Error::New(env, std::string(syscall) + ": " + message);
    e.Set("code", code);
    e.Set("errno", Napi::Number::New(env, err));
    e.Set("syscall", syscall);
    if (address != nullptr) e.Set("address", *address);
    return e.Value();
  }
  std::vector<napi_value> args = {
      Napi::String::New(env, message), Napi::String::New(env, code), Napi::Number::New(env, err),
      Napi::String::New(env, syscall),
      address != nullptr ? Napi::String::New(env, *address) : env.Undefined()};
  return error_class_.New(args);
}

// symbols(): every nn_symbol_info entry as [name, value, ns, type, unit].
Napi::Value Addon::Symbols(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  for (int i = 0;; i++) {
    nn_symbol_properties p;
    if (nn_symbol_info(i, &p, sizeof(p)) == 0) break;
    Napi::Array row = Napi::Array::New(env, 5);
    row.Set(0u, Napi::String::New(env, p.name));
    row.Set(1u, Napi::Number::New(env, p.value));
    row.Set(2u, Napi::Number::New(env, p.ns));
    row.Set(3u, Napi::Number::New(env, p.type));
    row.Set(4u, Napi::Number::New(env, p.unit));
    out.Set(static_cast<uint32_t>(i), row);
  }
  return out;
}

// versions(): the ABI the addon was compiled against and the one of the
// library loaded now (read through nn_symbol), as
// { compiled: [cur, rev, age], runtime: [cur, rev, age] | null }.
Napi::Value Addon::Versions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  Napi::Array compiled = Napi::Array::New(env, 3);
  compiled.Set(0u, NN_VERSION_CURRENT);
  compiled.Set(1u, NN_VERSION_REVISION);
  compiled.Set(2u, NN_VERSION_AGE);
  out.Set("compiled", compiled);
  int cur, rev, age;
  if (RuntimeSymbol("NN_VERSION_CURRENT", &cur) && RuntimeSymbol("NN_VERSION_REVISION", &rev) &&
      RuntimeSymbol("NN_VERSION_AGE", &age)) {
    Napi::Array runtime = Napi::Array::New(env, 3);
    runtime.Set(0u, cur);
    runtime.Set(1u, rev);
    runtime.Set(2u, age);
    out.Set("runtime", runtime);
  } else {
    out.Set("runtime", env.Null());
  }
  return out;
}

// compiledFeatures(): the optional parts compiled in, gated on the headers.
Napi::Value Addon::CompiledFeatures(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
#if defined(NN_STAT_MESSAGES_SENT)
  out.Set("statistics", true);
#else
  out.Set("statistics", false);
#endif
#if defined(NN_WS)
  out.Set("websocket", true);
#else
  out.Set("websocket", false);
#endif
  // NN_MAXTTL and nn_reallocmsg came with ABI 5 (nanomsg 1.0).
#if NN_VERSION_CURRENT >= 5 && defined(NN_MAXTTL)
  out.Set("maxTtl", true);
#else
  out.Set("maxTtl", false);
#endif
  return out;
}

Napi::Value Addon::StrError(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, "errno must be a number");
    return Napi::Value();
  }
  return Napi::String::New(env, nn_strerror(info[0].As<Napi::Number>().Int32Value()));
}

// setErrorClass(ctor): errors are built as new ctor(message, code, errno, syscall, address).
void Addon::SetErrorClass(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) {
    ThrowTypeError(info.Env(), "expected a constructor");
    return;
  }
  error_class_ = Napi::Persistent(info[0].As<Napi::Function>());
}

}  // namespace nnts

using nnts::Addon;
NODE_API_ADDON(Addon)
