// A Socket's sending: send, the held copies of waiting messages, and
// sendMsg with an SP header.
#include <nanomsg/nn.h>

#include <cerrno>
#include <cstring>

#include "args.h"
#include "errors.h"
#include "inproc_gate.h"
#include "message.h"
#include "socket.h"

namespace nnts {

// send(message): true when the library took the message, false on EAGAIN.
Napi::Value Socket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int rc;
  if (info[0].IsString()) {
    napi_value str = info[0];
    size_t len = 0;
    napi_get_value_string_utf8(env, str, nullptr, 0, &len);
    if (!CheckOpen(env, "nn_send")) return Napi::Value();
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return Napi::Boolean::New(env, false);
    char stack[4096];
    if (len < sizeof(stack)) {
      napi_get_value_string_utf8(env, str, stack, sizeof(stack), &len);
      rc = nn_send(s_, stack, len, NN_DONTWAIT);
    } else {
      void* msg = nn_allocmsg(len + 1, 0);
      if (msg == nullptr) {
        ThrowNnError(env, nn_errno(), "nn_allocmsg");
        return Napi::Value();
      }
      napi_get_value_string_utf8(env, str, static_cast<char*>(msg), len + 1, &len);
      void* resized = nn_reallocmsg(msg, len);
      if (resized != nullptr) msg = resized;
      rc = nn_send(s_, &msg, NN_MSG, NN_DONTWAIT);
      if (rc < 0) nn_freemsg(msg);
    }
  } else {
    const char* data;
    size_t len;
    if (!GetBytes(info[0], &data, &len)) {
      ThrowBadArgument(env, "a string or bytes message");
      return Napi::Value();
    }
    if (!CheckOpen(env, "nn_send")) return Napi::Value();
    inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
    if (!gate.entered()) return Napi::Boolean::New(env, false);
    rc = nn_send(s_, len == 0 ? "" : data, len, NN_DONTWAIT);
  }
  if (rc >= 0) return Napi::Boolean::New(env, true);
  int err = nn_errno();
  if (err == EAGAIN || err == EINTR) return Napi::Boolean::New(env, false);
  ThrowNnError(env, err, "nn_send");
  return Napi::Value();
}

// hold(bytes): copies a message that has to wait in core's send queue into
// an nn_allocmsg chunk kept here, so that the caller may change its own bytes
// meanwhile; returns its id. sendHeld(id) later hands the chunk to nn_send
// with NN_MSG (no second copy): true when the library took it (the chunk is
// its own then), false on EAGAIN. discard(id) frees a copy that will not be
// sent (a timeout, an abort, close); unknown ids are ignored. Closing or
// collecting the socket frees what is left.
Napi::Value Socket::Hold(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* data;
  size_t len;
  if (!GetBytes(info[0], &data, &len)) {
    ThrowBadArgument(env, "a bytes message");
    return Napi::Value();
  }
  if (!CheckOpen(env, "nn_send")) return Napi::Value();
  double id = held_.Hold(data, len);
  if (id < 0) {
    ThrowNnError(env, nn_errno(), "nn_allocmsg");
    return Napi::Value();
  }
  return Napi::Number::New(env, id);
}

Napi::Value Socket::SendHeld(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, "id must be a number");
    return Napi::Value();
  }
  const double id = info[0].As<Napi::Number>().DoubleValue();
  void* msg = held_.Find(id);
  if (msg == nullptr) {
    ThrowRangeError(env, "no such held message");
    return Napi::Value();
  }
  if (!CheckOpen(env, "nn_send")) return Napi::Value();
  inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
  if (!gate.entered()) return Napi::Boolean::New(env, false);
  if (nn_send(s_, &msg, NN_MSG, NN_DONTWAIT) >= 0) {
    held_.Release(id);
    return Napi::Boolean::New(env, true);
  }
  int err = nn_errno();
  if (err == EAGAIN || err == EINTR) return Napi::Boolean::New(env, false);
  ThrowNnError(env, err, "nn_send");
  return Napi::Value();
}

Napi::Value Socket::Discard(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, "id must be a number");
    return Napi::Value();
  }
  held_.Discard(info[0].As<Napi::Number>().DoubleValue());
  return env.Undefined();
}

// sendMsg(body, header): nn_sendmsg with the SP header as control data;
// true when the library took the message, false on EAGAIN.
Napi::Value Socket::SendMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string text;
  const char* data;
  size_t len;
  if (info[0].IsString()) {
    text = info[0].As<Napi::String>().Utf8Value();
    data = text.data();
    len = text.size();
  } else if (!GetBytes(info[0], &data, &len)) {
    ThrowBadArgument(env, "a string or bytes body");
    return Napi::Value();
  }
  const char* header;
  size_t header_len;
  if (!GetBytes(info[1], &header, &header_len)) {
    ThrowBadArgument(env, "a bytes header");
    return Napi::Value();
  }
  if (!CheckOpen(env, "nn_sendmsg")) return Napi::Value();
  inproc_gate::Call gate(inproc_, inproc_gate::Call::kTry);
  if (!gate.entered()) return Napi::Boolean::New(env, false);
  int err = SendRawMessage(s_, const_cast<char*>(data), len, false, header, header_len);
  if (err == 0) return Napi::Boolean::New(env, true);
  if (err == EAGAIN || err == EINTR) return Napi::Boolean::New(env, false);
  ThrowNnError(env, err, "nn_sendmsg");
  return Napi::Value();
}

}  // namespace nnts
