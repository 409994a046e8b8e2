#include "held_messages.h"

#include <nanomsg/nn.h>

#include <cstring>

namespace nnts {

double HeldMessages::Hold(const char* data, size_t len) {
  void* chunk = nn_allocmsg(len, 0);
  if (chunk == nullptr) return -1;
  if (len > 0) std::memcpy(chunk, data, len);
  double id = next_++;
  chunks_[id] = chunk;
  return id;
}

void* HeldMessages::Find(double id) const {
  auto it = chunks_.find(id);
  return it == chunks_.end() ? nullptr : it->second;
}

void HeldMessages::Discard(double id) {
  auto it = chunks_.find(id);
  if (it == chunks_.end()) return;
  nn_freemsg(it->second);
  chunks_.erase(it);
}

void HeldMessages::Clear() {
  for (auto& entry : chunks_) nn_freemsg(entry.second);
  chunks_.clear();
}

}  // namespace nnts
