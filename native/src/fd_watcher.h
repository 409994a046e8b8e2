// Watches one of a socket's NN_RCVFD / NN_SNDFD descriptors on an
// environment's loop (a libuv poll handle). The descriptors are
// level-triggered: readable while a message waits, or while a send can go.
#pragma once

#include <uv.h>

namespace nnts {

class FdWatcher {
 public:
  // `on_ready(owner, event)` runs on the loop each time the descriptor is
  // readable while watched; also after a poll error (libuv then stopped the
  // handle; the next library call reports the real error).
  using Callback = void (*)(void* owner, int event);

  FdWatcher(uv_loop_t* loop, int fd, void* owner, int event, Callback on_ready)
      : loop_(loop), fd_(fd), owner_(owner), event_(event), on_ready_(on_ready) {}
  // Closes the handle; libuv frees it once it lets go.
  ~FdWatcher();
  FdWatcher(const FdWatcher&) = delete;
  FdWatcher& operator=(const FdWatcher&) = delete;

  // Watches the descriptor (the handle is made on first use and kept, so
  // watching again costs no uv_poll_init, malloc or uv_close). 0 or a libuv
  // error (UV_EEXIST when other code polls this descriptor on this loop).
  int Start();
  // Stops watching, keeping the handle.
  void Pause();
  bool Active() const { return active_; }
  // Whether the running handle keeps the loop alive.
  void Ref();
  void Unref();

 private:
  struct Handle {
    uv_poll_t poll;
    FdWatcher* watcher;
  };
  static void OnPoll(uv_poll_t* poll, int status, int events);

  uv_loop_t* loop_;
  int fd_;
  void* owner_;
  int event_;
  Callback on_ready_;
  Handle* handle_ = nullptr;
  bool active_ = false;
};

}  // namespace nnts
