// Messages with their SP header (the control data of nn_recvmsg/nn_sendmsg),
// shared by the JavaScript-facing socket and the device threads. No N-API here:
// these run on any thread.
#pragma once

#include <cstddef>

namespace nnts {

// One message received with nn_recvmsg: the body is an NN_MSG chunk, and the
// SP header points into the control chunk. Release with FreeRawMessage.
struct RawMessage {
  void* body = nullptr;
  size_t size = 0;
  void* control = nullptr;
  const char* header = nullptr;
  size_t header_size = 0;
};

// nn_recvmsg(s, NN_DONTWAIT) of body and control data (both NN_MSG). Returns
// 0, or the errno (EAGAIN when nothing waits). On error `m` holds nothing.
int RecvRawMessage(int s, RawMessage* m);

// Frees what `m` still owns (the body unless it was given away, and the
// control data).
void FreeRawMessage(RawMessage* m);

// nn_sendmsg(s, NN_DONTWAIT) with the SP header in an SP_HDR control message
// (level PROTO_SP). With `chunk`, `data` is an NN_MSG chunk that the library
// takes over on success (and leaves to the caller on failure); otherwise the
// bytes are copied. The control data is always passed by value, so a failed
// send can be retried. Returns 0, or the errno.
int SendRawMessage(int s, void* data, size_t size, bool chunk, const char* header,
                   size_t header_size);

}  // namespace nnts
