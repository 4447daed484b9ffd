# Sanitizer and fuzzing trees (docs/testing.md). Included at the end of CMakeLists.txt.
#
# test.sh builds three trees side by side:
#   build/       the normal tree. Besides its own tests it registers tests that run the binaries of
#                the two trees below ("asan: ...", "tsan: ...", "fuzz: ..."), so one ctest run in
#                build/ runs everything and its summary comes last.
#   build-asan/  clang, EMULATOR_SANITIZE=address,undefined and EMULATOR_FUZZ=ON: the unit and
#                integration tests under ASan + UBSan, and the libFuzzer targets of tests/fuzz/
#                (the project's libraries are also compiled with -fsanitize=fuzzer-no-link, so the
#                same objects serve both).
#   build-tsan/  clang, EMULATOR_SANITIZE=thread: the emulator and the concurrency tests
#                (tsan_unit_tests, tsan_integration_tests: the test files listed below).
# A sanitizer tree builds only the target `sanitizer_tree` (no bootstrap programs, no zips).

# --- in a sanitizer tree ------------------------------------------------------------------------
option(EMULATOR_FUZZ "Build the libFuzzer targets of tests/fuzz (clang, with EMULATOR_SANITIZE)" OFF)

if(EMULATOR_SANITIZE)
  # Line tables are enough for symbolized reports; -O1 keeps the trees quick to build and run.
  # A sanitizer finding stops the program (UBSan would otherwise print and go on).
  get_property(emulator_all_targets DIRECTORY PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS emulator_all_targets)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "EXECUTABLE")
      target_compile_options(${target} PRIVATE -O1 -gline-tables-only -fno-sanitize-recover=all)
    endif()
  endforeach()

  add_custom_target(sanitizer_tree)
  if(BUILD_TESTING AND EMULATOR_SANITIZE STREQUAL "thread")
    # Only the concurrency tests, in binaries of their own (tsan_unit_tests,
    # tsan_integration_tests): the test files that run threads, the I/O threads, the snapshots
    # that readers race with writers, the deployment engine's timers and hooks, the gateway, and
    # the integration tests that send concurrent traffic through a live emulator (TSan-built).
    set(tsan_unit_files io_threads_test in_process_invoker_test function_store_test
        deployment_engine_test traffic_hooks_test gateway_test invocation_metrics_test)
    set(tsan_integration_files concurrency_test deployments_test deployment_traffic_test shutdown_test
        shutdown_in_flight_test)
    list(TRANSFORM tsan_unit_files REPLACE "(.+)" "tests/\\1.cpp")
    list(TRANSFORM tsan_integration_files REPLACE "(.+)" "tests/integration/\\1.cpp")
    add_executable(tsan_unit_tests tests/unit_main.cpp ${tsan_unit_files})
    target_include_directories(tsan_unit_tests PRIVATE .)
    target_link_libraries(tsan_unit_tests PRIVATE emulator_all lambda_functions doctest::doctest)
    target_compile_definitions(tsan_unit_tests PRIVATE
      TEST_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}/tests")
    emulator_target_options(tsan_unit_tests)
    file(GLOB integration_support CONFIGURE_DEPENDS tests/integration/*.cpp)
    list(FILTER integration_support EXCLUDE REGEX "_test\\.cpp$")
    add_executable(tsan_integration_tests ${integration_support} ${tsan_integration_files})
    get_target_property(integration_definitions integration_tests COMPILE_DEFINITIONS)
    target_compile_definitions(tsan_integration_tests PRIVATE ${integration_definitions})
    target_link_libraries(tsan_integration_tests PRIVATE
      doctest::doctest nlohmann_json::nlohmann_json CURL::libcurl Threads::Threads)
    emulator_target_options(tsan_integration_tests)
    foreach(target IN ITEMS tsan_unit_tests tsan_integration_tests)
      target_compile_options(${target} PRIVATE -O1 -gline-tables-only -fno-sanitize-recover=all)
    endforeach()
    add_dependencies(sanitizer_tree tsan_unit_tests tsan_integration_tests emulator)
  elseif(BUILD_TESTING)
    add_dependencies(sanitizer_tree unit_tests integration_tests emulator)
  endif()

  if(EMULATOR_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      message(FATAL_ERROR "EMULATOR_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++-14")
    endif()
    # Coverage feedback for the fuzzers from the code they exercise.
    get_property(layer_targets GLOBAL PROPERTY EMULATOR_LAYER_TARGETS)
    foreach(target IN ITEMS lambda_functions ${layer_targets})
      target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    endforeach()
    add_subdirectory(tests/fuzz)
    add_dependencies(sanitizer_tree fuzz_targets)
  endif()
endif()

# --- in the normal tree: tests that run the sanitizer trees' binaries ---------------------------
if(BUILD_TESTING AND NOT EMULATOR_SANITIZE)
  set(EMULATOR_ASAN_DIR "${CMAKE_CURRENT_SOURCE_DIR}/build-asan" CACHE PATH
      "The ASan + UBSan + libFuzzer tree whose binaries the asan: and fuzz: tests run")
  set(EMULATOR_TSAN_DIR "${CMAKE_CURRENT_SOURCE_DIR}/build-tsan" CACHE PATH
      "The TSan tree whose binaries the tsan: tests run")
  set(EMULATOR_FUZZ_SECONDS 60 CACHE STRING "How long each fuzz: test fuzzes its target")
  set(run_in_tree ${CMAKE_CURRENT_SOURCE_DIR}/tests/sanitizers/run_in_tree.sh)
  set(supp ${CMAKE_CURRENT_SOURCE_DIR}/tests/sanitizers)
  find_program(symbolizer NAMES llvm-symbolizer-14 llvm-symbolizer PATHS /usr/lib/llvm-14/bin)
  if(NOT symbolizer)
    set(symbolizer "")
  endif()
  # Every finding fails the test: a non-zero exit code, and no leak or race goes unreported.
  set(asan_env
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:external_symbolizer_path=${symbolizer}"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:external_symbolizer_path=${symbolizer}"
    "LSAN_OPTIONS=suppressions=${supp}/lsan.supp:print_suppressions=0")
  set(tsan_env "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=${supp}/tsan.supp:external_symbolizer_path=${symbolizer}")

  # One ctest test per test source file, so ctest -j spreads them and a failure names its file.
  # doctest's --source-file filter picks the file's test cases.
  file(GLOB unit_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/*_test.cpp)
  foreach(file IN LISTS unit_files)
    get_filename_component(name ${file} NAME)
    add_test(NAME "asan: unit ${name}"
      COMMAND ${run_in_tree} ${EMULATOR_ASAN_DIR}/unit_tests --source-file=*/tests/${name})
    set_tests_properties("asan: unit ${name}" PROPERTIES ENVIRONMENT "${asan_env}" SKIP_RETURN_CODE 77)
  endforeach()
  # The integration suite in both invoke modes, as the normal tree runs it (integration_main.cpp).
  file(GLOB integration_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/integration/*_test.cpp)
  # Excluded under ASan in runtime-api mode only: the test sends 1,000 requests inside a 5 s
  # canary window, which ASan-built bootstrap processes cannot serve in time (a wall-clock limit
  # of the test, not a finding; it runs in-process under ASan and in both modes in build/).
  set(asan_runtime_api_exclude
    "--test-case-exclude=a Canary10Percent5Minutes deployment sends a tenth of /whodis to v2*")
  foreach(mode IN ITEMS in-process runtime-api)
    set(label "")
    set(exclude "")
    if(mode STREQUAL "runtime-api")
      set(label " (runtime-api)")
      set(exclude "${asan_runtime_api_exclude}")
    endif()
    foreach(file IN LISTS integration_files)
      get_filename_component(name ${file} NAME)
      add_test(NAME "asan: integration${label} ${name}"
        COMMAND ${run_in_tree} ${EMULATOR_ASAN_DIR}/integration_tests --invoke-mode=${mode}
                --source-file=*/integration/${name} ${exclude})
      set_tests_properties("asan: integration${label} ${name}" PROPERTIES
        ENVIRONMENT "${asan_env}" SKIP_RETURN_CODE 77)
    endforeach()
  endforeach()

  # The concurrency tests (their files are listed above, under "thread").
  foreach(kind IN ITEMS unit integration)
    add_test(NAME "tsan: concurrency (${kind})"
      COMMAND ${run_in_tree} ${EMULATOR_TSAN_DIR}/tsan_${kind}_tests)
    set_tests_properties("tsan: concurrency (${kind})" PROPERTIES
      ENVIRONMENT "${tsan_env}" SKIP_RETURN_CODE 77)
  endforeach()

  # Each fuzz target for EMULATOR_FUZZ_SECONDS from its committed corpus; a crash, leak, timeout
  # or out-of-memory fails the test and leaves crash-*/leak-*/timeout-* in build/fuzz-findings/.
  set(fuzz_targets proxy_event proxy_response template aws_api)
  foreach(target IN LISTS fuzz_targets)
    add_test(NAME "fuzz: ${target} (${EMULATOR_FUZZ_SECONDS} s)"
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/run.sh ${EMULATOR_ASAN_DIR} ${target}
              ${EMULATOR_FUZZ_SECONDS} ${CMAKE_BINARY_DIR}/fuzz-findings)
    set_tests_properties("fuzz: ${target} (${EMULATOR_FUZZ_SECONDS} s)" PROPERTIES
      ENVIRONMENT "${asan_env}" SKIP_RETURN_CODE 77 TIMEOUT 600)
  endforeach()
endif()
