// Process-wide state: nn_term is global to the process, while everything else
// in the addon belongs to one Node.js environment (main thread or worker).
#pragma once

#include <string>

namespace nnts {

class Addon;
class Device;

namespace global {

// Keeps this addon (and the libnanomsg it links) loaded until the process
// exits, even when the environment that loaded it ends: threads of ours (the
// nn_term thread, devices) and of libnanomsg may outlive a worker, and Node
// unloads a worker's addons when it ends.
void PinLibrary();

// True from the moment terminate() was called in any environment.
bool Terminated();

// Environments and device threads that terminate() must stop before nn_term.
void AddEnvironment(Addon* addon);
void RemoveEnvironment(Addon* addon);
// False (and nothing recorded) once terminated.
bool AddDevice(Device* device);
void RemoveDevice(Device* device);

// terminate(): marks the process terminated, stops every device thread and,
// in the calling environment at once and in the others through their loops,
// every watcher; then a background thread runs nn_term once all of them have
// stopped, so the library never closes a descriptor that something still polls.
void Terminate(Addon* caller);

// An environment has stopped its watchers after Terminate.
void Acknowledge(Addon* addon);

// libnanomsg 1.1.5 crashes when an inproc connection forms between two PAIR
// sockets while either already has a peer (or between a PAIR and itself): the
// side that accepts it aborts (assertion in sinproc.c), or the side whose peer
// rejects it keeps a dangling pointer and crashes on its next send or
// nn_close. inproc connections form only inside nn_bind/nn_connect, so these
// keep a process-wide record of PAIR endpoints (inproc is process-wide) and
// refuse, with EISCONN, an endpoint whose connection could go that way: a
// second PAIR connecting to one inproc address, or an inproc connection when
// either socket is connected already or has an endpoint of another transport.

// nn_bind / nn_connect for PAIR socket `s`: the endpoint id, or -1 with the
// error number in *err.
int PairEndpoint(int s, const std::string& address, bool bind, int* err);
// Endpoint `eid` of socket `s` was shut down.
void PairShutdown(int s, int eid);
// nn_close(s), retried on EINTR; the socket's PAIR endpoints are forgotten
// once the library has released them. `inproc`: the socket has (or had) an
// inproc endpoint, so the close is exclusive with calls on inproc sockets
// (inproc_gate.h); it then blocks while one runs. Any socket, any thread.
void CloseSocket(int s, bool inproc);

}  // namespace global
}  // namespace nnts
