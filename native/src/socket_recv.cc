// A Socket's receiving: recvInto (into core's shared pool), recv, and
// recvMsg / recvMsgInto with the SP header.
#include <nanomsg/nn.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>

#include "addon.h"
#include "args.h"
#include "errors.h"
#include "inproc_gate.h"
#include "message.h"
#include "socket.h"

namespace nnts {

namespace {

void FreeMessage(Napi::Env env, char* data, void* hint) {
  nn_freemsg(data);
  Napi::MemoryManagement::AdjustExternalMemory(
      env, -static_cast<int64_t>(reinterpret_cast<uintptr_t>(hint)));
}

// The largest message written into core's pool (above it, a Buffer of its own).
constexpr size_t kPoolMessageMax = 2048;

// The arguments recvInto and recvMsgInto share: the pool, where in it to
// start writing, and how many messages to take at most.
struct PoolArgs {
  uint8_t* base;
  size_t capacity;
  size_t start;
  int max;
};

bool GetPoolArgs(const Napi::CallbackInfo& info, PoolArgs* out) {
  Napi::Env env = info.Env();
  if (!info[0].IsBuffer()) {
    ThrowTypeError(env, "pool must be a Buffer");
    return false;
  }
  Napi::Buffer<uint8_t> pool = info[0].As<Napi::Buffer<uint8_t>>();
  out->base = pool.Data();
  out->capacity = pool.Length();
  int offset;
  if (!GetInt(info, 1, &offset)) return false;
  if (offset < 0 || static_cast<size_t>(offset) > out->capacity) {
    ThrowRangeError(env, "offset must be within the pool");
    return false;
  }
  out->start = static_cast<size_t>(offset);
  return GetBatchMax(info, 2, &out->max);
}

}  // namespace

int Socket::RecvFirst(bool retry, void** msg) {
  // A protocol may drop what it dequeued (a SUB's filter, a stale reply or
  // survey answer) and report EAGAIN although more messages wait: with
  // `retry`, try again while the library still signals one, a bounded number
  // of times. A caller about to watch NN_RCVFD passes false: the watcher
  // fires at once if the descriptor still signals, saving the poll(2) here.
  for (int attempt = 0;; attempt++) {
    int rc = nn_recv(s_, msg, NN_MSG, NN_DONTWAIT);
    if (rc >= 0) return rc;
    int err = nn_errno();
    if (err != EAGAIN && err != EINTR) return -err;
    if (!retry || attempt >= 1024 || !StillReadable()) return -EAGAIN;
  }
}

bool Socket::StillReadable() {
  if (rcvfd_ == -2) {
    int fd = -1;
    size_t size = sizeof(fd);
    rcvfd_ = nn_getsockopt(s_, NN_SOL_SOCKET, NN_RCVFD, &fd, &size) == 0 ? fd : -1;
  }
  if (rcvfd_ < 0) return false;
  struct pollfd p = {rcvfd_, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

Napi::Value Socket::BodyBuffer(Napi::Env env, void* msg, size_t len) {
  // Either way the message is freed if no Buffer could be made (the
  // environment is going away): the result is then empty.
  if (len <= addon_->CopyThreshold()) {
    Napi::Value buf = Napi::Buffer<char>::Copy(env, static_cast<char*>(msg), len);
    nn_freemsg(msg);
    return buf;
  }
  Napi::Value buf = Napi::Buffer<char>::New(env, static_cast<char*>(msg), len, FreeMessage,
                                            reinterpret_cast<void*>(static_cast<uintptr_t>(len)));
  if (buf.IsEmpty()) {
    nn_freemsg(msg);
    return buf;
  }
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(len));
  return buf;
}

Napi::Value Socket::Recv(Napi::Env env, bool retry) {
  if (!CheckOpen(env, "nn_recv")) return Napi::Value();
  void* msg = nullptr;
  int rc;
  {
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return env.Undefined();
    rc = RecvFirst(retry, &msg);
  }
  if (rc >= 0) return BodyBuffer(env, msg, static_cast<size_t>(rc));
  if (rc == -EAGAIN) return env.Undefined();
  ThrowNnError(env, -rc, "nn_recv");
  return Napi::Value();
}

// recvInto(pool, offset, max, retry = true): up to `max` messages that are
// ready now, in order. Small messages (up to the copy threshold and kPoolMessageMax) are copied
// into `pool`, a Buffer the caller owns, from `offset` on, each as a 32-bit little-endian length
// then its bytes, while they fit: no JavaScript object per message or per batch. Returns undefined
// when no message is ready; the end offset of what was written; a Buffer for a message that does
// not go into the pool when it comes first (it ends the batch); or [end, Buffer] when it comes
// after pooled ones. The caller cuts views out of the pool and never passes an offset below what it
// handed out.
Napi::Value Socket::RecvInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PoolArgs args;
  if (!GetPoolArgs(info, &args)) return Napi::Value();
  uint8_t* base = args.base;
  const size_t capacity = args.capacity;
  const int max = args.max;
  const bool retry = OptionalFlag(info, 3, true);
  if (!CheckOpen(env, "nn_recv")) return Napi::Value();
  const size_t small = std::min(addon_->CopyThreshold(), kPoolMessageMax);
  const size_t start = args.start;
  size_t at = start;
  void* last = nullptr;
  size_t last_len = 0;
  // Left before any JavaScript value is made below.
  std::optional<inproc_gate::Call> gate;
  gate.emplace(inproc_, inproc_gate::Call::kTry);
  if (!gate->entered()) return env.Undefined();
  for (int i = 0; i < max; i++) {
    void* msg = nullptr;
    // Only the first message retries EAGAIN (see RecvFirst).
    int rc = i == 0 ? RecvFirst(retry, &msg) : nn_recv(s_, &msg, NN_MSG, NN_DONTWAIT);
    if (rc < 0) {
      // Messages taken so far are not lost: hand them over; a failure shows
      // again on the next call.
      if (i > 0) break;
      gate.reset();
      if (rc == -EAGAIN) return env.Undefined();
      ThrowNnError(env, -rc, "nn_recv");
      return Napi::Value();
    }
    size_t len = static_cast<size_t>(rc);
    if (len <= small && capacity - at >= 4 + len) {
      uint8_t* p = base + at;
      p[0] = static_cast<uint8_t>(len);
      p[1] = static_cast<uint8_t>(len >> 8);
      p[2] = static_cast<uint8_t>(len >> 16);
      p[3] = static_cast<uint8_t>(len >> 24);
      std::memcpy(p + 4, msg, len);
      at += 4 + len;
      nn_freemsg(msg);
      continue;
    }
    last = msg;
    last_len = len;
    break;
  }
  gate.reset();
  Napi::Number end = Napi::Number::New(env, static_cast<double>(at));
  if (last == nullptr) return end;
  Napi::Value alone = BodyBuffer(env, last, last_len);
  if (at == start || alone.IsEmpty()) return alone;
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, end);
  out.Set(1u, alone);
  return out;
}

Napi::Value Socket::RecvMsgOne(Napi::Env env) {
  RawMessage m;
  int err;
  {
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return env.Undefined();
    err = RecvRawMessage(s_, &m);
  }
  if (err == EAGAIN || err == EINTR) return env.Undefined();
  if (err != 0) {
    ThrowNnError(env, err, "nn_recvmsg");
    return Napi::Value();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("body", BodyBuffer(env, m.body, m.size));
  m.body = nullptr;  // now owned by the Buffer (or freed after copying)
  out.Set("header",
          Napi::Buffer<char>::Copy(env, m.header != nullptr ? m.header : "", m.header_size));
  FreeRawMessage(&m);
  return out;
}

Napi::Value Socket::RecvMsg(Napi::Env env) {
  if (!CheckOpen(env, "nn_recvmsg")) return Napi::Value();
  return RecvMsgOne(env);
}

// recvMsgInto(pool, offset, max): up to `max` messages with their SP headers
// ready now, in order: recvInto's way for raw sockets. A small message (body
// and header within the pool's limit) is written into `pool` from `offset` on
// as its body's length and its header's length (32-bit little-endian each),
// then the header, then the body, while it fits. Returns what recvInto does,
// with { body, header } for a message that does not go into the pool.
Napi::Value Socket::RecvMsgInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PoolArgs args;
  if (!GetPoolArgs(info, &args)) return Napi::Value();
  uint8_t* base = args.base;
  const size_t capacity = args.capacity;
  const int max = args.max;
  if (!CheckOpen(env, "nn_recvmsg")) return Napi::Value();
  const size_t small = std::min(addon_->CopyThreshold(), kPoolMessageMax);
  const size_t start = args.start;
  size_t at = start;
  RawMessage last;
  bool have_last = false;
  int failed = 0;
  {
    // Left before any JavaScript value is made below.
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return env.Undefined();
    for (int i = 0; i < max; i++) {
      RawMessage m;
      int err = RecvRawMessage(s_, &m);
      if (err != 0) {
        // Messages taken so far are not lost: hand them over; a failure
        // shows again on the next call.
        if (i == 0 && err != EAGAIN && err != EINTR) failed = err;
        break;
      }
      const size_t total = 8 + m.header_size + m.size;
      if (m.header_size + m.size <= small && capacity - at >= total) {
        uint8_t* p = base + at;
        const uint32_t lengths[2] = {static_cast<uint32_t>(m.size),
                                     static_cast<uint32_t>(m.header_size)};
        for (int k = 0; k < 2; k++) {
          for (int b = 0; b < 4; b++) p[k * 4 + b] = static_cast<uint8_t>(lengths[k] >> (8 * b));
        }
        if (m.header_size > 0) std::memcpy(p + 8, m.header, m.header_size);
        if (m.size > 0) std::memcpy(p + 8 + m.header_size, m.body, m.size);
        at += total;
        FreeRawMessage(&m);
        continue;
      }
      last = m;
      have_last = true;
      break;
    }
  }
  if (failed != 0) {
    ThrowNnError(env, failed, "nn_recvmsg");
    return Napi::Value();
  }
  if (at == start && !have_last) return env.Undefined();
  Napi::Number end = Napi::Number::New(env, static_cast<double>(at));
  if (!have_last) return end;
  Napi::Object alone = Napi::Object::New(env);
  alone.Set("body", BodyBuffer(env, last.body, last.size));
  last.body = nullptr;  // now owned by the Buffer (or freed after copying)
  alone.Set("header", Napi::Buffer<char>::Copy(env, last.header != nullptr ? last.header : "",
                                               last.header_size));
  FreeRawMessage(&last);
  if (at == start) return alone;
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, end);
  out.Set(1u, alone);
  return out;
}

}  // namespace nnts
