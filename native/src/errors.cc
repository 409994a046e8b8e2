#include "errors.h"

#include <nanomsg/nn.h>
#include <uv.h>

#include "addon.h"
#include "terminate.h"

namespace nnts {

void ThrowNnError(Napi::Env env, int err, const char* syscall, const std::string* address) {
  // After nn_term the library answers EBADF for every socket; to the caller
  // the cause is the termination.
  if (err == EBADF && term::Terminated()) err = ETERM;
  Addon* addon = env.GetInstanceData<Addon>();
  Napi::Value error = addon->MakeError(env, err, syscall, address);
  if (env.IsExceptionPending()) return;
  napi_throw(env, error);
}

// The raw calls: they fail quietly when the environment is going away or an
// exception is pending already, where node-addon-api's would abort.
void ThrowUvError(Napi::Env env, int rc, const char* what) {
  std::string message = std::string(what) + ": " + uv_strerror(rc);
  napi_throw_error(env, uv_err_name(rc), message.c_str());
}

void ThrowTypeError(Napi::Env env, const char* message) {
  napi_throw_type_error(env, nullptr, message);
}

void ThrowRangeError(Napi::Env env, const char* message) {
  napi_throw_range_error(env, nullptr, message);
}

void ReportCallbackFailure(napi_env env, napi_status status) {
  if (status != napi_pending_exception) return;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return;
  napi_value error;
  if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
}

}  // namespace nnts
