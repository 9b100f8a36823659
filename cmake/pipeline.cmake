# Shared compile settings and the one-line helper that declares a program.

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
endfunction()
