# OpenBLAS and libomp, the two libraries that run work on several threads.
#
# The compiled code's parallel loops run on libomp's threads. OpenBLAS is
# linked in its OpenMP build (Debian's libopenblas0-openmp), and libomp is
# linked before it, so that OpenBLAS's OpenMP calls (GOMP_parallel,
# omp_in_parallel, ...) bind to libomp rather than to GCC's libgomp: products
# and loops then share one pool of threads, and a product called inside a
# parallel loop runs on its caller's thread. With the pthreads build, each
# library kept threads of its own, which spun while the other worked.
#
# Defines ADJIT_CBLAS_INCLUDE_DIR (the directory of cblas.h, whose
# declarations every OpenBLAS build shares), ADJIT_LIBOMP_LIBRARY,
# ADJIT_OPENBLAS_LIBRARY (the library linked), ADJIT_BLAS_LIBRARIES (both, in
# link order), ADJIT_OPENBLAS_OPENMP (whether the OpenMP build was found) and
# ADJIT_BLAS_RPATH (the directory installed binaries find that build in, or
# nothing).

find_path(ADJIT_CBLAS_INCLUDE_DIR cblas.h
  PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE} /usr/include/openblas
  REQUIRED)

set(ADJIT_LIBOMP_LIBRARY ${LLVM_LIBRARY_DIR}/libomp.so)
if(NOT EXISTS ${ADJIT_LIBOMP_LIBRARY})
  message(FATAL_ERROR "adjit: libomp not found at ${ADJIT_LIBOMP_LIBRARY} "
                      "(scripts/install-deps.sh installs libomp-22-dev)")
endif()

# The OpenMP build has no development symlink of its own (its -dev package
# conflicts with the default's), so its runtime name is linked by path; the
# directory goes into the RPATH of everything that links it.
find_library(ADJIT_OPENBLAS_OPENMP_LIBRARY
  NAMES libopenblas.so.0
  PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp
  NO_DEFAULT_PATH)
if(ADJIT_OPENBLAS_OPENMP_LIBRARY)
  set(ADJIT_OPENBLAS_LIBRARY ${ADJIT_OPENBLAS_OPENMP_LIBRARY})
  set(ADJIT_OPENBLAS_OPENMP ON)
  get_filename_component(ADJIT_BLAS_RPATH ${ADJIT_OPENBLAS_LIBRARY} DIRECTORY)
else()
  find_library(ADJIT_OPENBLAS_DEFAULT_LIBRARY openblas REQUIRED)
  set(ADJIT_OPENBLAS_LIBRARY ${ADJIT_OPENBLAS_DEFAULT_LIBRARY})
  set(ADJIT_OPENBLAS_OPENMP OFF)
  set(ADJIT_BLAS_RPATH)
  message(WARNING "adjit: OpenBLAS's OpenMP build was not found; products "
                  "run on OpenBLAS's own threads beside libomp's "
                  "(scripts/install-deps.sh installs libopenblas0-openmp)")
endif()
message(STATUS "adjit: OpenBLAS ${ADJIT_OPENBLAS_LIBRARY}, libomp "
               "${ADJIT_LIBOMP_LIBRARY}")
set(ADJIT_BLAS_LIBRARIES ${ADJIT_LIBOMP_LIBRARY} ${ADJIT_OPENBLAS_LIBRARY})
