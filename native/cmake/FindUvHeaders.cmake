# Finds uv.h for the libuv calls the addon makes on Node's own loop. libuv 1.x
# keeps its ABI stable, so the headers of the running Node.js (preferred) or of
# any libuv 1.x serve. Nothing is downloaded.
#   1. UV_INCLUDE_DIR (environment or -D)
#   2. <prefix of the node executable>/include/node (official builds, Debian's nodejs)
#   3. pkg-config libuv, then the compiler's default paths (Debian: libuv1-dev)

if(NOT UV_INCLUDE_DIR AND DEFINED ENV{UV_INCLUDE_DIR})
  set(UV_INCLUDE_DIR "$ENV{UV_INCLUDE_DIR}")
endif()

if(NOT UV_INCLUDE_DIR)
  find_program(_nnts_node NAMES node nodejs)
  if(_nnts_node)
    execute_process(COMMAND "${_nnts_node}" -p "process.execPath"
      OUTPUT_VARIABLE _nnts_node_exec OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    get_filename_component(_nnts_node_prefix "${_nnts_node_exec}" DIRECTORY)
    get_filename_component(_nnts_node_prefix "${_nnts_node_prefix}" DIRECTORY)
    if(EXISTS "${_nnts_node_prefix}/include/node/uv.h")
      set(UV_INCLUDE_DIR "${_nnts_node_prefix}/include/node")
    endif()
  endif()
endif()

if(NOT UV_INCLUDE_DIR)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(_nnts_uv QUIET libuv)
    if(_nnts_uv_FOUND)
      set(UV_INCLUDE_DIR "${_nnts_uv_INCLUDE_DIRS}")
    endif()
  endif()
endif()

if(NOT UV_INCLUDE_DIR)
  find_path(UV_INCLUDE_DIR uv.h)
endif()

if(NOT UV_INCLUDE_DIR)
  message(FATAL_ERROR
    "uv.h (libuv's headers) was not found: neither Node.js's include/node folder nor a libuv install.\n"
    "  Debian/Ubuntu:  sudo apt-get install libuv1-dev\n"
    "  Fedora:         sudo dnf install libuv-devel\n"
    "  Alpine:         sudo apk add libuv-dev\n"
    "  macOS Homebrew: brew install libuv\n"
    "or set UV_INCLUDE_DIR to a folder holding uv.h.")
endif()
message(STATUS "uv.h: ${UV_INCLUDE_DIR}")
