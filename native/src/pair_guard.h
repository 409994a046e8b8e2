// libnanomsg 1.1.5 crashes when an inproc connection forms between two PAIR
// sockets while either already has a peer (or between a PAIR and itself): the
// side that accepts it aborts (assertion in sinproc.c), or the side whose peer
// rejects it keeps a dangling pointer and crashes on its next send or
// nn_close. inproc connections form only inside nn_bind/nn_connect, so these
// keep a process-wide record of PAIR endpoints (inproc is process-wide) and
// refuse, with EISCONN, an endpoint whose connection could go that way: a
// second PAIR connecting to one inproc address, or an inproc connection when
// either socket is connected already or has an endpoint of another transport.
#pragma once

#include <string>

namespace nnts {
namespace pair_guard {

// nn_bind / nn_connect for PAIR socket `s`: the endpoint id, or -1 with the
// error number in *err.
int Endpoint(int s, const std::string& address, bool bind, int* err);
// Endpoint `eid` of PAIR socket `s` was shut down.
void Shutdown(int s, int eid);

}  // namespace pair_guard

// nn_close(s), retried on EINTR, for any socket on any thread; a PAIR
// socket's endpoints are forgotten once the library has released them.
// `inproc`: the socket has (or had) an inproc endpoint, so the close is
// exclusive with calls on inproc sockets (inproc_gate.h) and blocks while one
// runs.
void CloseSocket(int s, bool inproc);

}  // namespace nnts
