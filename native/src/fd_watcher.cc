#include "fd_watcher.h"

namespace nnts {

FdWatcher::~FdWatcher() {
  if (handle_ == nullptr) return;
  handle_->watcher = nullptr;
  uv_poll_stop(&handle_->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_->poll),
           [](uv_handle_t* h) { delete reinterpret_cast<Handle*>(h); });
}

int FdWatcher::Start() {
  if (active_) return 0;
  if (handle_ == nullptr) {
    auto* h = new Handle;
    h->watcher = this;
    int rc = uv_poll_init(loop_, &h->poll, fd_);
    if (rc != 0) {
      delete h;  // not a handle yet: nothing to close
      return rc;
    }
    handle_ = h;
  }
  int rc = uv_poll_start(&handle_->poll, UV_READABLE, OnPoll);
  if (rc == 0) active_ = true;
  return rc;
}

void FdWatcher::Pause() {
  if (!active_) return;
  uv_poll_stop(&handle_->poll);
  active_ = false;
}

void FdWatcher::Ref() {
  if (handle_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(&handle_->poll));
}

void FdWatcher::Unref() {
  if (handle_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(&handle_->poll));
}

void FdWatcher::OnPoll(uv_poll_t* poll, int status, int) {
  FdWatcher* self = reinterpret_cast<Handle*>(poll)->watcher;
  if (self == nullptr) return;
  // On an error libuv has stopped the handle: record it, so that the next
  // wait starts it again instead of waiting on a stopped handle.
  if (status < 0) self->active_ = false;
  self->on_ready_(self->owner_, self->event_);
}

}  // namespace nnts
