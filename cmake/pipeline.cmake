# Shared compile settings and the one-line helper that declares a program.

option(PIPELINE_PCH "Precompile the heavy shared headers (Boost.JSON, Catch2, std)" OFF)
# Unity build of the tests: each test binary's sources are compiled 8 to a translation
# unit, so Catch2's and Boost.JSON's templates are instantiated once per batch, not once per
# file. Two files of one test binary cannot both define a helper of the same name and
# signature in an anonymous namespace (a "redefinition" error): share it in a fixture header
# or name it after its file. The libraries are not built this way (serve/ has one).
option(PIPELINE_UNITY_TESTS "Compile each test binary's sources in batches (unity build)" ON)
# Extra flags for the test code only (tests/, not the libraries and programs under test),
# after the build type's: the presets lower the optimisation of the Catch2 code, whose
# speed does not matter, because it is most of the compile time (docs/NOTES.md, "CI time").
set(PIPELINE_TEST_CXX_FLAGS "" CACHE STRING "Extra compile flags for the test code only")

add_library(pipeline_warnings INTERFACE)
# -Wno-restrict: GCC 12 false positive on std::string concatenation (GCC bug 105329).
target_compile_options(pipeline_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(PIPELINE_WERROR)
  target_compile_options(pipeline_warnings INTERFACE -Werror)
endif()

add_library(pipeline_sanitizers INTERFACE)
if(PIPELINE_SANITIZE)
  target_compile_options(pipeline_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(pipeline_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# Flags recorded in every run manifest (environment.compiler_flags).
string(TOUPPER "${CMAKE_BUILD_TYPE}" _pipeline_bt)
set(PIPELINE_CXX_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_pipeline_bt}}")
if(PIPELINE_SANITIZE)
  string(APPEND PIPELINE_CXX_FLAGS " -fsanitize=address,undefined")
endif()
string(STRIP "${PIPELINE_CXX_FLAGS}" PIPELINE_CXX_FLAGS)

# Precompiled headers (docs/NOTES.md, "CI time"). Parsing Boost.JSON, Catch2 and the
# standard library is a large share of a small translation unit's compile time: 85 of them
# include Boost.JSON, 76 Catch2. Two headers are precompiled once per build directory, the
# libraries' and programs' on pipeline_common and the tests' on test_support; every other
# target reuses one of them (REUSE_FROM). GCC ignores a reused header, with -Winvalid-pch
# (added by CMake, an error under PIPELINE_WERROR), unless the reusing target has the same
# flags and at least the owner's -D definitions, so targets add their own definitions per
# source file, not per target. Off by default: under a precompiled header g++ 12 at -O3
# reports its std::string false positive (see -Wno-restrict above) as -Wstringop-overflow
# and -Warray-bounds, so the release build cannot use it; the asan (-O1) and fuzz (clang)
# presets turn it on.
set(pipeline_pch_headers_lib
  <algorithm> <chrono> <cstdint> <filesystem> <fstream> <functional> <map> <memory>
  <optional> <sstream> <string> <string_view> <vector>
  <boost/json.hpp>)
set(pipeline_pch_headers_test ${pipeline_pch_headers_lib} <thread> <catch2/catch.hpp>)

# pipeline_precompile(TARGET target KIND lib|test [OWNER]): gives TARGET the precompiled
# header of KIND, building it there when OWNER is given, reusing it from the owner
# otherwise (pipeline_common for lib, test_support for test).
function(pipeline_precompile)
  cmake_parse_arguments(P "OWNER" "TARGET;KIND" "" ${ARGN})
  if(NOT PIPELINE_PCH)
    return()
  endif()
  if(P_OWNER)
    target_precompile_headers(${P_TARGET} PRIVATE ${pipeline_pch_headers_${P_KIND}})
  elseif(P_KIND STREQUAL "lib")
    target_precompile_headers(${P_TARGET} REUSE_FROM pipeline_common)
  else()
    target_precompile_headers(${P_TARGET} REUSE_FROM test_support)
  endif()
endfunction()

# `cmake --build --preset release --target programs` builds every program and no test.
add_custom_target(programs)

# pipeline_program(NAME name SOURCES main.cc LIBS lib... [TARGET target])
# Declares one command-line program build/<preset>/bin/<name> linked to the common
# library. TARGET names the CMake target when the program's name is reserved by CMake
# ("clean" is).
function(pipeline_program)
  cmake_parse_arguments(P "" "NAME;TARGET" "SOURCES;LIBS" ${ARGN})
  if(NOT P_TARGET)
    set(P_TARGET ${P_NAME})
  endif()
  add_executable(${P_TARGET} ${P_SOURCES})
  set_target_properties(${P_TARGET} PROPERTIES OUTPUT_NAME ${P_NAME})
  target_link_libraries(${P_TARGET} PRIVATE ${P_LIBS} pipeline_common pipeline_warnings pipeline_sanitizers)
  add_dependencies(programs ${P_TARGET})
  pipeline_precompile(TARGET ${P_TARGET} KIND lib)
endfunction()
