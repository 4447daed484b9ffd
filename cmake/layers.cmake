# One static library per source folder, and the build enforcing which folder may use which
# (docs/architecture.md, "Layers": the table there and the layer() calls in CMakeLists.txt say
# the same; the test "layers: ..." compares them).
#
# layer(NAME FOLDER folder [USES library ...] [EXTERNAL target ...])
#   NAME's sources are FOLDER/*.cpp (not its subfolders: each subfolder is a layer of its own).
#   Its headers are seen by others only through an include root of its own,
#   ${CMAKE_BINARY_DIR}/layers/NAME/, which holds a link to each FOLDER/*.h at its path below
#   the repository ("emulator/lambda/model/function_store.h") and nothing else. A library sees
#   its own root and the roots of the libraries it USES (and what they use, as their headers
#   include it), so an #include of a folder it may not use fails to compile: the file is not
#   there.
#   INCLUDE_BASE: the part of FOLDER that #include paths leave out ("functions" for
#   functions/runtime, whose headers are included as "runtime/handler.h").
#
# EMULATOR_LAYERS (global property) lists "FOLDER: USED FOLDERS" for the check against the docs.

function(layer name)
  cmake_parse_arguments(ARG "" "FOLDER;INCLUDE_BASE" "USES;EXTERNAL" ${ARGN})
  set(folder ${ARG_FOLDER})
  set(root ${CMAKE_BINARY_DIR}/layers/${name})
  set(include_path ${folder})
  if(ARG_INCLUDE_BASE)
    string(REGEX REPLACE "^${ARG_INCLUDE_BASE}/" "" include_path ${folder})
  endif()
  file(REMOVE_RECURSE ${root})
  file(MAKE_DIRECTORY ${root}/${include_path})
  file(GLOB headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${folder}/*.h)
  foreach(header IN LISTS headers)
    get_filename_component(file_name ${header} NAME)
    file(CREATE_LINK ${header} ${root}/${include_path}/${file_name} SYMBOLIC)
  endforeach()

  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${folder}/*.cpp)
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${root})
  target_link_libraries(${name} PUBLIC ${ARG_USES} ${ARG_EXTERNAL})
  emulator_target_options(${name})

  set_property(GLOBAL APPEND PROPERTY EMULATOR_LAYER_TARGETS ${name})
  set_property(GLOBAL PROPERTY EMULATOR_LAYER_FOLDER_${name} ${folder})
  set(used_folders)
  foreach(used IN LISTS ARG_USES)
    get_property(used_folder GLOBAL PROPERTY EMULATOR_LAYER_FOLDER_${used})
    if(NOT used_folder)
      message(FATAL_ERROR "layer ${name}: USES ${used}, which is not a layer declared before it")
    endif()
    list(APPEND used_folders ${used_folder})
  endforeach()
  list(JOIN used_folders " " used_text)
  set_property(GLOBAL APPEND PROPERTY EMULATOR_LAYERS "${folder}: ${used_text}")
endfunction()

# Writes the declared layers to FILE, one "folder: used folders" line each.
function(write_layers file)
  get_property(lines GLOBAL PROPERTY EMULATOR_LAYERS)
  list(JOIN lines "\n" text)
  file(WRITE ${file} "${text}\n")
endfunction()
