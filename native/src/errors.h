#pragma once

#include <napi.h>

#include <string>

namespace nnts {

// Throws the library's error `err` (an errno value) as raised by `syscall`;
// EBADF becomes ETERM once the process is terminated.
// Callers return right after: the addon is built without C++ exceptions.
void ThrowNnError(Napi::Env env, int err, const char* syscall,
                  const std::string* address = nullptr);

// An Error for a failed libuv call `what` (rc a UV_E* code).
void ThrowUvError(Napi::Env env, int rc, const char* what);

// A TypeError / RangeError for a wrong JavaScript argument.
void ThrowTypeError(Napi::Env env, const char* message);
void ThrowRangeError(Napi::Env env, const char* message);

// After a call into JavaScript from the loop (napi_make_callback) returned
// `status`: a JavaScript exception goes to the process's uncaught-exception
// handling; a failure with no exception pending means the environment can no
// longer run JavaScript (a worker ending, process.exit): nothing to report.
void ReportCallbackFailure(napi_env env, napi_status status);

}  // namespace nnts
