// Process-wide state: nn_term is global to the process, while everything else
// in the addon belongs to one Node.js environment (main thread or worker).
#pragma once

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

}  // namespace global
}  // namespace nnts
