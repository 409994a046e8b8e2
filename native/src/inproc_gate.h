// Ending an inproc pipe is exclusive with every call on inproc sockets.
//
// libnanomsg 1.1.5 is safe for concurrent calls on one socket, but its inproc
// transport (sinproc.c, binproc.c) raises events straight into the *peer*
// socket's state machine without holding that socket. Closing one end of an
// inproc pipe (nn_close, nn_shutdown, nn_term) while another thread sends,
// receives, binds or connects on the other end corrupts the peer: an
// assertion in sinproc.c or binproc.c, or SIGSEGV. So, process-wide, across
// every environment and device thread:
// - calls that can touch an inproc pipe (send/recv on a socket that has, or
//   had, an inproc endpoint; bind/connect to an inproc address; a device's
//   forwarding) enter the gate shared;
// - nn_close and nn_shutdown on such a socket, and nn_term, enter it
//   exclusive.
// The JavaScript thread only ever *tries* a shared entry for send/recv and
// treats a miss as "would block" (its watcher retries on the next loop
// turn), so the event loop never waits for a close. Synchronous calls that
// cannot report "would block" (bind, connect, shutdown) wait, at most for
// the nn_close calls running at that moment.
#pragma once

namespace nnts {
namespace inproc_gate {

// A shared entry, held for the lifetime of the object. With `needed` false
// it does nothing (the socket never had an inproc endpoint).
class Call {
 public:
  enum Mode { kTry, kWait };
  Call(bool needed, Mode mode);
  ~Call();
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  // False only when a kTry entry found a close running: do not call the library.
  bool entered() const { return entered_ || !needed_; }

 private:
  bool needed_;
  bool entered_ = false;
};

// An exclusive entry (nn_close of an inproc socket, nn_term). Waits for the
// shared entries to leave; never on the JavaScript thread while it runs
// JavaScript.
class Closing {
 public:
  explicit Closing(bool needed);
  ~Closing();
  Closing(const Closing&) = delete;
  Closing& operator=(const Closing&) = delete;

 private:
  bool needed_;
};

// True for an address of the inproc transport.
bool IsInproc(const char* address);

}  // namespace inproc_gate
}  // namespace nnts
