// The addon's `testing` export: what tests and benchmarks need beyond what
// core uses, kept off the addon's own surface.
#include <cstddef>

#include "addon.h"
#include "args.h"
#include "errors.h"
#include "socket.h"
#include "terminate.h"

namespace nnts {

namespace {

Socket* SocketArg(const Napi::CallbackInfo& info) {
  Socket* s = Socket::FromValue(info.Env().GetInstanceData<Addon>(), info[0]);
  if (s == nullptr) ThrowTypeError(info.Env(), "expected a native socket");
  return s;
}

}  // namespace

Napi::Object MakeTestingHooks(Napi::Env env, Addon* addon, int minimum_current) {
  Napi::Object hooks = Napi::Object::New(env);
  // recv(socket, retry = true): one message (nn_recv) as a Buffer, or
  // undefined on EAGAIN.
  hooks.Set("recv", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
              Socket* s = SocketArg(info);
              return s == nullptr ? Napi::Value()
                                  : s->Recv(info.Env(), OptionalFlag(info, 1, true));
            }));
  // recvMsg(socket): { body, header } (nn_recvmsg), or undefined on EAGAIN.
  hooks.Set("recvMsg", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
              Socket* s = SocketArg(info);
              return s == nullptr ? Napi::Value() : s->RecvMsg(info.Env());
            }));
  // terminated(): true once terminate() was called in any environment.
  hooks.Set("terminated", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
              return Napi::Boolean::New(info.Env(), term::Terminated());
            }));
  // The size up to which received messages are copied rather than adopted
  // as external Buffers (benchmarks compare both).
  hooks.Set(
      "setCopyThreshold",
      Napi::Function::New(env, [addon](const Napi::CallbackInfo& info) -> Napi::Value {
        double d = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
        if (!(d >= 0)) {
          ThrowRangeError(info.Env(), "threshold must be a non-negative number");
          return Napi::Value();
        }
        addon->SetCopyThreshold(d > 1e15 ? static_cast<size_t>(1e15) : static_cast<size_t>(d));
        return info.Env().Undefined();
      }));
  hooks.Set("getCopyThreshold", Napi::Function::New(env, [addon](const Napi::CallbackInfo& info) {
              return Napi::Number::New(info.Env(), static_cast<double>(addon->CopyThreshold()));
            }));
  // The oldest library ABI (NN_VERSION_CURRENT) this addon supports.
  hooks.Set("minimumCurrent", minimum_current);
  hooks.Freeze();
  return hooks;
}

}  // namespace nnts
