// Copies of messages that wait in core's send queue (Socket's hold /
// sendHeld / discard): nn_allocmsg chunks, kept by id until the library takes
// one (nn_send with NN_MSG, no second copy) or it is discarded. No N-API.
#pragma once

#include <cstddef>
#include <unordered_map>

namespace nnts {

class HeldMessages {
 public:
  HeldMessages() = default;
  ~HeldMessages() { Clear(); }
  HeldMessages(const HeldMessages&) = delete;
  HeldMessages& operator=(const HeldMessages&) = delete;

  // Copies `len` bytes into a new chunk; its id (never reused: a double holds
  // every integer up to 2^53), or -1 when the library could not allocate.
  double Hold(const char* data, size_t len);
  // The chunk held as `id`, or nullptr.
  void* Find(double id) const;
  // The library took the chunk: forget it without freeing it.
  void Release(double id) { chunks_.erase(id); }
  // Frees the chunk held as `id`; unknown ids are ignored.
  void Discard(double id);
  // Frees every chunk.
  void Clear();

 private:
  std::unordered_map<double, void*> chunks_;
  double next_ = 0;
};

}  // namespace nnts
