#include "device.h"

#include <fcntl.h>
#include <nanomsg/nn.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "addon.h"
#include "errors.h"
#include "inproc_gate.h"
#include "message.h"
#include "socket.h"
#include "terminate.h"

namespace nnts {

namespace {

// Messages moved in one direction before the thread polls again, so that
// both directions and a stop request get their turn.
constexpr int kBurst = 256;

int GetSocketInt(int s, int option, int* value) {
  size_t size = sizeof(*value);
  return nn_getsockopt(s, NN_SOL_SOCKET, option, value, &size) == 0 ? 0 : nn_errno();
}

// NN_RCVFD / NN_SNDFD, or -1 where the protocol has no such direction.
int GetFd(int s, int option, int* fd) {
  int err = GetSocketInt(s, option, fd);
  if (err == ENOPROTOOPT) {
    *fd = -1;
    return 0;
  }
  return err;
}

bool MakeWakePipe(int fds[2]) {
  if (pipe(fds) != 0) return false;
  for (int i = 0; i < 2; i++) {
    fcntl(fds[i], F_SETFD, fcntl(fds[i], F_GETFD) | FD_CLOEXEC);
    fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
  }
  return true;
}

void CloseAsync(uv_async_t* handle) {
  uv_close(reinterpret_cast<uv_handle_t*>(handle),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
}

}  // namespace

struct Device::JsSide {
  explicit JsSide(Napi::Env e)
      : env(e), deferred(Napi::Promise::Deferred::New(e)), context(e, "nanomsg:device") {}
  Napi::Env env;
  Napi::Promise::Deferred deferred;
  Napi::AsyncContext context;
};

Napi::Value Device::Start(Addon* addon, const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Socket* a = Socket::FromValue(addon, info[0]);
  Socket* b = nullptr;
  if (a == nullptr) {
    ThrowTypeError(env, "device: the first argument must be a native socket");
    return Napi::Value();
  }
  if (!info[1].IsUndefined() && !info[1].IsNull()) {
    b = Socket::FromValue(addon, info[1]);
    if (b == nullptr) {
      ThrowTypeError(env, "device: the second argument must be a native socket or undefined");
      return Napi::Value();
    }
  }
  if (b == a) b = nullptr;  // nn_device(s, s) forwards s into itself: a loopback
  if (term::Terminated()) {
    ThrowNnError(env, ETERM, "nn_device");
    return Napi::Value();
  }
  int s1 = a->Handle();
  int s2 = b != nullptr ? b->Handle() : -1;
  if (s1 < 0 || (b != nullptr && s2 < 0)) {
    ThrowNnError(env, EBADF, "nn_device");
    return Napi::Value();
  }

  // The checks of nn_device: raw sockets, one protocol family, directions
  // that match.
  auto fail = [&env](int err) {
    ThrowNnError(env, err, "nn_device");
    return Napi::Value();
  };
  int err, domain, r1, w1, r2 = -1, w2 = -1;
  if ((err = GetSocketInt(s1, NN_DOMAIN, &domain)) != 0) return fail(err);
  if (domain != AF_SP_RAW) return fail(EINVAL);
  if (b != nullptr) {
    int p1, p2;
    if ((err = GetSocketInt(s2, NN_DOMAIN, &domain)) != 0) return fail(err);
    if (domain != AF_SP_RAW) return fail(EINVAL);
    if ((err = GetSocketInt(s1, NN_PROTOCOL, &p1)) != 0) return fail(err);
    if ((err = GetSocketInt(s2, NN_PROTOCOL, &p2)) != 0) return fail(err);
    if (p1 / 16 != p2 / 16) return fail(EINVAL);
  }
  if ((err = GetFd(s1, NN_RCVFD, &r1)) != 0 || (err = GetFd(s1, NN_SNDFD, &w1)) != 0)
    return fail(err);
  if (b != nullptr &&
      ((err = GetFd(s2, NN_RCVFD, &r2)) != 0 || (err = GetFd(s2, NN_SNDFD, &w2)) != 0))
    return fail(err);

  std::shared_ptr<Device> d(new Device);
  if (b == nullptr) {
    // nn_device's loopback would fail with ENOTSUP at the first receive or
    // send on a socket lacking that direction; say so at once.
    if (r1 < 0 || w1 < 0) return fail(ENOTSUP);
    d->routes_[d->nroutes_++] = Route{s1, s1, r1, w1};
  } else {
    if ((r1 >= 0 && w2 < 0) || (w1 >= 0 && r2 < 0) || (r2 >= 0 && w1 < 0) || (w2 >= 0 && r1 < 0))
      return fail(EINVAL);
    if (r1 >= 0 && w2 >= 0) d->routes_[d->nroutes_++] = Route{s1, s2, r1, w2};
    if (r2 >= 0 && w1 >= 0) d->routes_[d->nroutes_++] = Route{s2, s1, r2, w1};
    if (d->nroutes_ == 0) return fail(EINVAL);
  }

  if (!MakeWakePipe(d->wake_)) return fail(errno == EMFILE ? EMFILE : ENOMEM);
  auto* done = new uv_async_t;
  int rc = uv_async_init(addon->Loop(), done, OnDone);
  if (rc != 0) {
    delete done;
    ThrowUvError(env, rc, "uv_async_init");
    return Napi::Value();
  }
  done->data = d.get();
  d->done_ = done;
  if (!term::AddDevice(d.get())) {
    CloseAsync(done);
    d->done_ = nullptr;
    return fail(ETERM);
  }
  d->addon_ = addon;
  d->js_ = new JsSide(env);
  Napi::Promise promise = d->js_->deferred.Promise();

  auto* arg = new std::shared_ptr<Device>(d);
  rc = uv_thread_create(&d->thread_, ThreadMain, arg);
  if (rc != 0) {
    delete arg;
    term::RemoveDevice(d.get());
    CloseAsync(done);
    d->done_ = nullptr;
    d->finished_ = true;
    delete d->js_;
    d->js_ = nullptr;
    ThrowUvError(env, rc, "uv_thread_create");
    return Napi::Value();
  }
  // Until it ends, the device keeps its sockets' objects alive, and its
  // uv_async handle keeps the loop running, as a pending operation would.
  d->a_ = a;
  d->b_ = b;
  a->Ref();
  a->AttachDevice(d);
  if (b != nullptr) {
    b->Ref();
    b->AttachDevice(d);
  }
  d->self_ = d;
  addon->AddDevice(d);
  return promise;
}

Device::~Device() {
  for (int fd : wake_)
    if (fd >= 0) close(fd);
}

void Device::Stop(int reason) {
  int expected = 0;
  if (reason_.compare_exchange_strong(expected, reason)) {
    char byte = 1;
    ssize_t n = write(wake_[1], &byte, 1);
    (void)n;  // a full pipe already wakes the thread
  }
}

void Device::WaitFinished() {
  std::unique_lock<std::mutex> lock(mutex_);
  finished_cv_.wait(lock, [this] { return finished_; });
}

void Device::Abandon() {
  Stop(EBADF);
  WaitFinished();
  if (done_ != nullptr) {
    CloseAsync(done_);
    done_ = nullptr;
    uv_thread_join(&thread_);
  }
  a_ = nullptr;
  b_ = nullptr;
  // The promise is never settled (no JavaScript runs any more); the
  // environment still exists, so its handles can be released.
  delete js_;
  js_ = nullptr;
  self_.reset();
}

void Device::ForgetSocket(Socket* s) {
  if (a_ == s) a_ = nullptr;
  if (b_ == s) b_ = nullptr;
}

void Device::ThreadMain(void* arg) {
  auto* held = static_cast<std::shared_ptr<Device>*>(arg);
  std::shared_ptr<Device> self = std::move(*held);
  delete held;
  self->Run();
}

void Device::Run() {
  int err = 0;
  pollfd fds[3];
  while (err == 0 && reason_.load() == 0) {
    int n = 0;
    fds[n++] = pollfd{wake_[0], POLLIN, 0};
    for (int i = 0; i < nroutes_; i++) {
      const Route& r = routes_[i];
      fds[n++] = pollfd{r.body != nullptr ? r.sndfd : r.rcvfd, POLLIN, 0};
    }
    if (poll(fds, n, -1) < 0) {
      if (errno != EINTR) err = errno;
      continue;
    }
    if (reason_.load() != 0) break;
    for (int i = 0; i < nroutes_ && err == 0; i++) {
      if (fds[i + 1].revents == 0) continue;
      // The thread may wait here: it never waits for JavaScript. Every
      // device enters, as a socket may gain an inproc endpoint at any time.
      inproc_gate::Call gate(true, inproc_gate::Call::kWait);
      err = Pump(&routes_[i]);
    }
  }
  int reason = reason_.load();
  if (reason != 0) {
    err = reason;
  } else if (err == EBADF && term::Terminated()) {
    err = ETERM;  // after nn_term the library reports EBADF
  }
  error_ = err;
  for (int i = 0; i < nroutes_; i++) {
    if (routes_[i].body != nullptr) nn_freemsg(routes_[i].body);
    routes_[i].body = nullptr;
  }
  term::RemoveDevice(this);
  // Tell the loop before saying "finished": once finished, the environment
  // may close the handle.
  uv_async_send(done_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
  }
  finished_cv_.notify_all();
}

// Moves messages along one route until it would block; 0 or the errno that
// ends the device.
int Device::Pump(Route* r) {
  for (int i = 0; i < kBurst && reason_.load() == 0; i++) {
    if (r->body == nullptr) {
      RawMessage m;
      int err = RecvRawMessage(r->from, &m);
      if (err == EAGAIN || err == EINTR) return 0;
      if (err != 0) return err;
      r->body = m.body;
      r->size = m.size;
      r->header.assign(m.header != nullptr ? m.header : "", m.header_size);
      m.body = nullptr;
      FreeRawMessage(&m);
    }
    int err = SendRawMessage(r->to, r->body, r->size, true, r->header.data(), r->header.size());
    if (err == EAGAIN || err == EINTR) return 0;  // held until `to` can take it
    if (err != 0) return err;
    r->body = nullptr;  // the library owns it now
  }
  return 0;
}

void Device::OnDone(uv_async_t* handle) {
  Device* d = static_cast<Device*>(handle->data);
  std::shared_ptr<Device> keep = std::move(d->self_);
  if (!keep) return;
  uv_thread_join(&d->thread_);
  CloseAsync(handle);
  d->done_ = nullptr;
  for (Socket* s : {d->a_, d->b_}) {
    if (s == nullptr) continue;
    s->DetachDevice(d);
    s->Unref();
  }
  d->a_ = nullptr;
  d->b_ = nullptr;
  Addon* addon = d->addon_;
  JsSide* js = d->js_;
  d->js_ = nullptr;
  if (js != nullptr) {
    Napi::Env env = js->env;
    Napi::HandleScope scope(env);
    {
      Napi::CallbackScope callback(env, js->context);
      js->deferred.Reject(addon->MakeError(env, d->error_, "nn_device"));
    }
    delete js;
  }
  addon->ForgetDevice(d);
}

}  // namespace nnts
