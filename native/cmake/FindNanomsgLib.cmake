# Locates libnanomsg and defines the imported target nanomsg_ts::nanomsg.
#
# Search order:
#   1. NANOMSG_PREFIX (environment or -D): a prefix holding include/nanomsg/nn.h
#      and lib/libnanomsg.*, e.g. a library built from source in /opt/nanomsg.
#   2. pkg-config (module "nanomsg"), honouring PKG_CONFIG_PATH.
# When neither finds it, configuration stops with one message saying what to install.

if(NOT NANOMSG_PREFIX AND DEFINED ENV{NANOMSG_PREFIX})
  set(NANOMSG_PREFIX "$ENV{NANOMSG_PREFIX}")
endif()

set(_nanomsg_missing_hint
  "libnanomsg (the nanomsg C library and its headers) was not found.\n"
  "Install it with your system's package manager, then install again:\n"
  "  Debian/Ubuntu:  sudo apt-get install libnanomsg-dev pkg-config cmake\n"
  "  Fedora:         sudo dnf install nanomsg-devel pkgconf-pkg-config cmake\n"
  "  Alpine:         sudo apk add nanomsg-dev pkgconf cmake\n"
  "  macOS Homebrew: brew install nanomsg pkg-config cmake\n"
  "A library installed elsewhere: set NANOMSG_PREFIX to its prefix (the folder holding\n"
  "include/nanomsg/nn.h), or add its lib/pkgconfig folder to PKG_CONFIG_PATH.")

if(NANOMSG_PREFIX)
  find_path(NANOMSG_INCLUDE_DIR nanomsg/nn.h PATHS "${NANOMSG_PREFIX}/include" NO_DEFAULT_PATH)
  find_library(NANOMSG_LIBRARY NAMES nanomsg
    PATHS "${NANOMSG_PREFIX}/lib" "${NANOMSG_PREFIX}/lib64"
      "${NANOMSG_PREFIX}/lib/${CMAKE_LIBRARY_ARCHITECTURE}" NO_DEFAULT_PATH)
  if(NOT NANOMSG_INCLUDE_DIR OR NOT NANOMSG_LIBRARY)
    message(FATAL_ERROR "NANOMSG_PREFIX=${NANOMSG_PREFIX} holds no include/nanomsg/nn.h and lib/libnanomsg.\n" ${_nanomsg_missing_hint})
  endif()
  add_library(nanomsg_ts::nanomsg UNKNOWN IMPORTED)
  set_target_properties(nanomsg_ts::nanomsg PROPERTIES
    IMPORTED_LOCATION "${NANOMSG_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${NANOMSG_INCLUDE_DIR}")
  get_filename_component(NANOMSG_RPATH "${NANOMSG_LIBRARY}" DIRECTORY)
  message(STATUS "nanomsg: ${NANOMSG_LIBRARY} (NANOMSG_PREFIX)")
  return()
endif()

find_package(PkgConfig QUIET)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config was not found, so libnanomsg cannot be located.\n" ${_nanomsg_missing_hint})
endif()
pkg_check_modules(NANOMSG QUIET IMPORTED_TARGET nanomsg)
if(NOT NANOMSG_FOUND)
  message(FATAL_ERROR ${_nanomsg_missing_hint})
endif()
add_library(nanomsg_ts::nanomsg INTERFACE IMPORTED)
set_target_properties(nanomsg_ts::nanomsg PROPERTIES INTERFACE_LINK_LIBRARIES PkgConfig::NANOMSG)
message(STATUS "nanomsg: ${NANOMSG_VERSION} (pkg-config)")
