// terminate(): nn_term is global to the process, while everything else in
// the addon belongs to one Node.js environment (main thread or worker). This
// keeps the process-wide record that terminate() needs.
#pragma once

namespace nnts {

class Addon;
class Device;

namespace term {

// True from the moment terminate() was called in any environment.
bool Terminated();

// Environments and device threads that terminate() must stop before nn_term.
void AddEnvironment(Addon* addon);
// Once this returns, terminate() no longer calls the environment.
void RemoveEnvironment(Addon* addon);
// False (and nothing recorded) once terminated.
bool AddDevice(Device* device);
void RemoveDevice(Device* device);

// terminate(): marks the process terminated, stops every device thread and,
// in the calling environment at once and in the others through their loops,
// every watcher; then a background thread runs nn_term once all of them have
// stopped, so the library never closes a descriptor that something still polls.
void Terminate(Addon* caller);

// An environment has stopped its watchers after Terminate. Its own thread.
void Acknowledge(Addon* addon);

}  // namespace term
}  // namespace nnts
