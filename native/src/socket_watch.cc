// Readiness: a Socket's watchers on NN_RCVFD / NN_SNDFD and the JavaScript
// onReady(events) callback they call.
#include <nanomsg/nn.h>

#include "addon.h"
#include "args.h"
#include "errors.h"
#include "fd_watcher.h"
#include "socket.h"
#include "terminate.h"

namespace nnts {

void Socket::StopWatchers() {
  recv_watcher_.reset();
  send_watcher_.reset();
  if (watching_ != 0 && !on_ready_.IsEmpty()) on_ready_.Unref();
  watching_ = 0;
}

void Socket::PauseWatchers() {
  if (recv_watcher_) recv_watcher_->Pause();
  if (send_watcher_) send_watcher_->Pause();
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
  if (term::Terminated()) {
    // Nothing is watched any more; the onReady(kTerminated) call that this
    // environment gets (at once, or soon from its loop) fails what waits.
    // Not an error here: this runs from timers and abort handlers too.
    StopWatchers();
    return env.Undefined();
  }
  if (!CheckOpen(env, "nn_getsockopt")) return Napi::Value();
  int was = watching_;
  if (!SetWatcher(env, &recv_watcher_, NN_RCVFD, kReadable, events, keep)) return Napi::Value();
  if (!SetWatcher(env, &send_watcher_, NN_SNDFD, kWritable, events, keep)) {
    if (recv_watcher_) recv_watcher_->Pause();
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
// but not counted (kept), or paused.
bool Socket::SetWatcher(Napi::Env env, std::unique_ptr<FdWatcher>* slot, int option, int event,
                        int events, int keep) {
  FdWatcher* w = slot->get();
  if (events & event) {
    if (w == nullptr) {
      int fd = -1;
      size_t size = sizeof(fd);
      if (nn_getsockopt(s_, NN_SOL_SOCKET, option, &fd, &size) != 0) {
        ThrowNnError(env, nn_errno(), "nn_getsockopt");
        return false;
      }
      slot->reset(w = new FdWatcher(addon_->Loop(), fd, this, event, OnReady));
    }
    int rc = w->Start();
    if (rc != 0) {
      slot->reset();
      ThrowUvError(env, rc, "uv_poll_start");
      return false;
    }
    w->Ref();
  } else if (w != nullptr && (keep & event) && w->Active()) {
    w->Unref();
  } else if (w != nullptr) {
    w->Pause();
  }
  return true;
}

void Socket::OnReady(void* owner, int event) {
  auto* self = static_cast<Socket*>(owner);
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  // A kept watcher (see Watch) does not hold the socket: if its objects were
  // collected and the finalizer has not run yet, there is nobody to tell.
  Napi::Object receiver = self->Value();
  Napi::Function callback = self->on_ready_.Value();
  if (receiver.IsEmpty() || callback.IsEmpty()) {
    self->PauseWatchers();
    return;
  }
  napi_value argv[1] = {Napi::Number::New(env, event)};
  napi_value result;
  ReportCallbackFailure(
      env, napi_make_callback(env, self->async_context_, receiver, callback, 1, argv, &result));
}

void Socket::Terminate() {
  StopWatchers();
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

}  // namespace nnts
