#include "errors.h"

#include <nanomsg/nn.h>

#include "addon.h"
#include "global.h"

namespace nnts {

void ThrowNnError(Napi::Env env, int err, const char* syscall, const std::string* address) {
  // After nn_term the library answers EBADF for every socket; to the caller
  // the cause is the termination.
  if (err == EBADF && global::Terminated()) err = ETERM;
  Addon* addon = env.GetInstanceData<Addon>();
  Napi::Value error = addon->MakeError(env, err, syscall, address);
  if (env.IsExceptionPending()) return;
  napi_throw(env, error);
}

void ThrowTypeError(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
}

void ThrowRangeError(Napi::Env env, const char* message) {
  Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
}

}  // namespace nnts
