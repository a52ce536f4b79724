# Install rules of adjit: one shared library libadjit.so made of the adjit
# libraries, the headers, adjit-opt and adjit-run, a CMake package
# (find_package(adjit CONFIG) gives adjit::adjit), a pkg-config file and the
# Python package. Nothing installed refers to the source or build tree: the
# package files locate the prefix from their own path, and the libraries and
# the Python module find libMLIR/libLLVM through an RPATH to LLVM's library
# directory (a system path) and libadjit.so through $ORIGIN.

include(GNUInstallDirs)

set(ADJIT_LIBRARIES
  AdjitTracing AdjitFrontend AdjitJIT AdjitPipelines AdjitConversion
  AdjitInitAll MLIRAdjitTransforms MLIRAdjit AdjitDistributed AdjitRuntime
  AdjitSemantics)
set(ADJIT_SHARED_SOURCE ${CMAKE_CURRENT_BINARY_DIR}/adjit_shared.cpp)
file(WRITE ${ADJIT_SHARED_SOURCE}
  "// libadjit.so: the adjit libraries linked whole into one shared library.\n")
add_library(adjit SHARED ${ADJIT_SHARED_SOURCE})
# Every object of the archives goes in (whole-archive); the targets are also
# linked normally for their own dependencies (libMLIR, OpenBLAS, ...).
set(ADJIT_WHOLE_ARCHIVES)
foreach(library ${ADJIT_LIBRARIES})
  list(APPEND ADJIT_WHOLE_ARCHIVES $<TARGET_FILE:${library}>)
endforeach()
target_link_libraries(adjit PRIVATE
  -Wl,--whole-archive ${ADJIT_WHOLE_ARCHIVES} -Wl,--no-whole-archive
  ${ADJIT_LIBRARIES})
set_target_properties(adjit PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib
  INSTALL_RPATH "$ORIGIN;${LLVM_LIBRARY_DIR};${ADJIT_BLAS_RPATH}")

set(ADJIT_OPENBLAS_LIBRARY_PATH ${ADJIT_OPENBLAS_LIBRARY})
set(ADJIT_LIBOMP_PATH ${ADJIT_LIBOMP_LIBRARY})
set(ADJIT_LLVM_INCLUDE_DIR ${LLVM_INCLUDE_DIRS})
set(ADJIT_LLVM_LIBRARY_DIR ${LLVM_LIBRARY_DIR})

install(TARGETS adjit LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/adjit
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.def" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/adjit
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc")
set_target_properties(adjit-opt adjit-run PROPERTIES
  INSTALL_RPATH "${LLVM_LIBRARY_DIR};${ADJIT_BLAS_RPATH}")
install(TARGETS adjit-opt adjit-run RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(ADJIT_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/adjit)
configure_file(${PROJECT_SOURCE_DIR}/cmake/adjitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/adjitConfig.cmake @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/adjit.pc.in
  ${PROJECT_BINARY_DIR}/adjit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/adjitConfig.cmake
  DESTINATION ${ADJIT_CMAKE_INSTALL_DIR})
install(FILES ${PROJECT_BINARY_DIR}/adjit.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(TARGET adjit_python)
  set(ADJIT_PYTHON_INSTALL_DIR lib/python3/dist-packages CACHE STRING
    "Where `make install` puts the Python package, relative to the prefix")
  set_target_properties(adjit_python PROPERTIES
    INSTALL_RPATH "${LLVM_LIBRARY_DIR};${ADJIT_BLAS_RPATH}")
  install(TARGETS adjit_python
    LIBRARY DESTINATION ${ADJIT_PYTHON_INSTALL_DIR}/adjit)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/adjit/
    DESTINATION ${ADJIT_PYTHON_INSTALL_DIR}/adjit
    FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
endif()

# The consumer test: installs into a scratch prefix, builds test/install
# against it with find_package(adjit) and with pkg-config, trains, and
# imports the installed Python package.
# Not in sanitizer builds, whose libraries need the sanitizer runtimes linked
# into every client.
if(NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize=")
  add_test(NAME install.consumer
    COMMAND bash ${PROJECT_SOURCE_DIR}/test/install/run.sh
      ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR} ${Python3_EXECUTABLE})
endif()
