#include "args.h"

#include <cstdint>
#include <string>

#include "errors.h"

namespace nnts {

bool GetBytes(Napi::Value v, const char** data, size_t* len) {
  napi_env env = v.Env();
  bool is = false;
  // A Buffer (the common case) in one call, without a handle for its
  // ArrayBuffer; its length in bytes.
  if (napi_is_buffer(env, v, &is) == napi_ok && is) {
    void* base;
    size_t length;
    if (napi_get_buffer_info(env, v, &base, &length) == napi_ok) {
      *data = static_cast<const char*>(base);
      *len = length;
      return true;
    }
  }
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t length, offset;
    napi_value ab;
    void* base;
    napi_get_typedarray_info(env, v, &type, &length, &base, &ab, &offset);
    size_t elem = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array:
        elem = 2;
        break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        elem = 4;
        break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array:
        elem = 8;
        break;
      default:
        break;
    }
    *data = static_cast<const char*>(base);
    *len = length * elem;
    return true;
  }
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    size_t length, offset;
    napi_value ab;
    void* base;
    napi_get_dataview_info(env, v, &length, &base, &ab, &offset);
    *data = static_cast<const char*>(base);
    *len = length;
    return true;
  }
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    void* base;
    size_t length;
    napi_get_arraybuffer_info(env, v, &base, &length);
    *data = static_cast<const char*>(base);
    *len = length;
    return true;
  }
  return false;
}

bool GetInt(const Napi::CallbackInfo& info, size_t i, int* out) {
  if (!info[i].IsNumber()) {
    ThrowTypeError(info.Env(), "expected an integer argument");
    return false;
  }
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= INT32_MIN && d <= INT32_MAX) || d != static_cast<double>(static_cast<int32_t>(d))) {
    ThrowRangeError(info.Env(), "expected a 32-bit integer argument");
    return false;
  }
  *out = static_cast<int>(d);
  return true;
}

bool GetBatchMax(const Napi::CallbackInfo& info, size_t i, int* max) {
  if (!GetInt(info, i, max)) return false;
  if (*max >= 1) return true;
  ThrowRangeError(info.Env(), "max must be at least 1");
  return false;
}

// Read with the raw call: node-addon-api's ToBoolean() yields an empty value
// when the environment is going away, and using that aborts the process.
bool OptionalFlag(const Napi::CallbackInfo& info, size_t i, bool fallback) {
  if (i >= info.Length()) return fallback;
  bool value;
  return napi_get_value_bool(info.Env(), info[i], &value) == napi_ok ? value : fallback;
}

void ThrowBadArgument(Napi::Env env, const char* expected) {
  std::string message = std::string("@nanomsg-ts/native: expected ") + expected;
  ThrowTypeError(env, message.c_str());
}

}  // namespace nnts
