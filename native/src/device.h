// device(a, b?): forwards messages between two raw sockets (or back into one)
// on a thread of its own, like nn_device, but stoppable.
//
// nn_device in libnanomsg 1.1.5 blocks in nn_recvmsg/nn_sendmsg and only
// nn_term wakes it: nn_close on one of its sockets does not. So the loop is
// our own: poll(2) on the sockets' NN_RCVFD/NN_SNDFD plus a wake-up pipe,
// moving messages with nn_recvmsg/nn_sendmsg and NN_DONTWAIT. Stop() writes
// to the pipe; the thread then leaves without touching the sockets again, and
// Socket::Close waits for that (off the event loop) before nn_close runs.
#pragma once

#include <napi.h>
#include <uv.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace nnts {

class Addon;
class Socket;

class Device {
 public:
  // device(a, b?): validates like nn_device, starts the thread and returns a
  // promise that rejects with the error that ended forwarding (EBADF when one
  // of the sockets was closed, ETERM after terminate()).
  static Napi::Value Start(Addon* addon, const Napi::CallbackInfo& info);

  ~Device();

  // Asks the thread to stop; `reason` becomes the promise's error. Any thread.
  void Stop(int reason);
  // Blocks until the thread no longer uses the sockets. Not on the device's own thread.
  void WaitFinished();
  // The environment goes away: stop, wait, and close the loop handle without
  // settling anything.
  void Abandon();
  // A socket object is being destroyed (JavaScript thread).
  void ForgetSocket(Socket* s);

 private:
  // One direction of forwarding: from `from` (polled on its NN_RCVFD) to
  // `to` (polled on its NN_SNDFD while a message is held back by EAGAIN).
  struct Route {
    int from = -1;
    int to = -1;
    int rcvfd = -1;
    int sndfd = -1;
    void* body = nullptr;  // an NN_MSG chunk waiting for `to`
    size_t size = 0;
    std::string header;
  };
  struct JsSide;

  Device() = default;
  static void ThreadMain(void* arg);
  void Run();
  int Pump(Route* r);
  static void OnDone(uv_async_t* handle);

  Route routes_[2];
  int nroutes_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<int> reason_{0};
  int error_ = 0;
  std::mutex mutex_;
  std::condition_variable finished_cv_;
  bool finished_ = false;
  bool started_ = false;
  uv_thread_t thread_;
  uv_async_t* done_ = nullptr;

  // JavaScript thread only.
  Addon* addon_ = nullptr;
  Socket* a_ = nullptr;
  Socket* b_ = nullptr;
  JsSide* js_ = nullptr;
  std::shared_ptr<Device> self_;
};

}  // namespace nnts
