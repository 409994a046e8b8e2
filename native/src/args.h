// Reading the arguments of the addon's functions. Core (TypeScript) checks
// what users pass and says what is wrong; these only keep a wrong internal
// call from reaching the library (TypeError / RangeError, never a crash).
#pragma once

#include <napi.h>

#include <cstddef>

namespace nnts {

// Views a JavaScript value as bytes: Buffer, any TypedArray, DataView or
// ArrayBuffer. Returns false when it is none of them.
bool GetBytes(Napi::Value v, const char** data, size_t* len);
// Argument `i` as a 32-bit integer; false (an exception pending) otherwise.
bool GetInt(const Napi::CallbackInfo& info, size_t i, int* out);
// The `max` argument of recvInto / recvMsgMany: an integer of at least 1.
bool GetBatchMax(const Napi::CallbackInfo& info, size_t i, int* max);
// A TypeError for an argument of the wrong kind, `expected` saying what was
// wanted. Core checks and explains what users pass; this is only reached by
// a wrong internal call.
void ThrowBadArgument(Napi::Env env, const char* expected);
// An optional boolean argument, `fallback` when absent or not a boolean.
bool OptionalFlag(const Napi::CallbackInfo& info, size_t i, bool fallback);

}  // namespace nnts
