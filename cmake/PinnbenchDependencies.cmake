# Dependency discovery for pinnbench. Nothing is vendored: every package comes
# from the system (Debian bookworm) or from a prefix the user names.
#
# Kokkos works in two worlds:
#   * Debian's Trilinos 13.2 packaging (Kokkos 3.4.1, Serial only). Its
#     TriBITS-generated Kokkos::kokkos target points at a non-existent include
#     directory and there is no Kokkos::kokkoskernels target.
#   * Kokkos >= 4 (what users bring on clusters), given with -DKokkos_ROOT=...
# Both are folded into two internal targets, pinnbench::kokkos and
# pinnbench::kokkoskernels, so the rest of the build never cares which.

# --- MPI ---------------------------------------------------------------------
find_package(MPI REQUIRED COMPONENTS C CXX)

# --- Kokkos ------------------------------------------------------------------
# Kokkos 3.4's version file uses SameMajorVersion, 4.x's AnyNewerVersion: asking
# for 3.4 accepts both.
find_package(Kokkos 3.4 REQUIRED)
add_library(pinnbench_kokkos INTERFACE)
add_library(pinnbench::kokkos ALIAS pinnbench_kokkos)
if(Kokkos_VERSION VERSION_LESS 4.0)
  # Trilinos' synthesised target computes <prefix>/lib/include; the variable
  # Kokkos_INCLUDE_DIRS is right (<prefix>/include/trilinos).
  if(TARGET Kokkos::kokkos AND Kokkos_INCLUDE_DIRS)
    set_target_properties(Kokkos::kokkos PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                                                    "${Kokkos_INCLUDE_DIRS}")
  endif()
  # Its headers are C++14-clean but warn under our flags; treat them as system.
  target_include_directories(pinnbench_kokkos SYSTEM INTERFACE ${Kokkos_INCLUDE_DIRS})
endif()
target_link_libraries(pinnbench_kokkos INTERFACE Kokkos::kokkos)

set(PINNBENCH_KOKKOS_BACKENDS "")
foreach(backend SERIAL OPENMP THREADS CUDA HIP SYCL)
  if(Kokkos_ENABLE_${backend})
    list(APPEND PINNBENCH_KOKKOS_BACKENDS ${backend})
  endif()
endforeach()
message(STATUS "pinnbench: Kokkos ${Kokkos_VERSION} (backends: ${PINNBENCH_KOKKOS_BACKENDS})")

# --- Kokkos Kernels ----------------------------------------------------------
# Kernels must come from the same world as Kokkos: with Kokkos >= 4, look next to
# it first and refuse Trilinos' copy (which has no version file, so a version
# requirement skips it); otherwise a system Trilinos would mix 3.4 headers into
# a Kokkos 4 build.
if(Kokkos_VERSION VERSION_GREATER_EQUAL 4.0)
  get_filename_component(pinnbench_kokkos_prefix "${Kokkos_DIR}/../../.." ABSOLUTE)
  find_package(KokkosKernels 4 REQUIRED
               HINTS "${Kokkos_DIR}/../KokkosKernels" "${pinnbench_kokkos_prefix}")
  if(NOT TARGET Kokkos::kokkoskernels)
    message(FATAL_ERROR "Kokkos ${Kokkos_VERSION} needs Kokkos Kernels >= 4 with the "
                        "Kokkos::kokkoskernels target (found ${KokkosKernels_DIR})")
  endif()
else()
  find_package(KokkosKernels REQUIRED)
endif()
message(STATUS "pinnbench: Kokkos Kernels ${KokkosKernels_VERSION} from ${KokkosKernels_DIR}")
add_library(pinnbench_kokkoskernels INTERFACE)
add_library(pinnbench::kokkoskernels ALIAS pinnbench_kokkoskernels)
if(TARGET Kokkos::kokkoskernels)
  target_link_libraries(pinnbench_kokkoskernels INTERFACE Kokkos::kokkoskernels)
else()
  # Trilinos 13.2: variables only. The TPL list carries BLAS/LAPACK; the BLAS
  # that runs is chosen at run time by Debian's alternatives (OpenBLAS).
  target_include_directories(pinnbench_kokkoskernels SYSTEM INTERFACE
                             ${KokkosKernels_INCLUDE_DIRS})
  target_link_directories(pinnbench_kokkoskernels INTERFACE ${KokkosKernels_LIBRARY_DIRS})
  target_link_libraries(pinnbench_kokkoskernels INTERFACE ${KokkosKernels_LIBRARIES}
                                                          ${KokkosKernels_TPL_LIBRARIES})
endif()
target_link_libraries(pinnbench_kokkoskernels INTERFACE pinnbench::kokkos)

# --- HDF5 (C API; the MPI flavour on Debian) ---------------------------------
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
add_library(pinnbench_hdf5 INTERFACE)
add_library(pinnbench::hdf5 ALIAS pinnbench_hdf5)
if(TARGET hdf5::hdf5)
  target_link_libraries(pinnbench_hdf5 INTERFACE hdf5::hdf5)
else()
  target_include_directories(pinnbench_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS}
                                                             ${HDF5_INCLUDE_DIRS})
  target_link_libraries(pinnbench_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
  target_compile_definitions(pinnbench_hdf5 INTERFACE ${HDF5_DEFINITIONS})
endif()
message(STATUS "pinnbench: HDF5 ${HDF5_VERSION} (parallel: ${HDF5_IS_PARALLEL})")

# --- yaml-cpp (0.7 exports `yaml-cpp`, 0.8 `yaml-cpp::yaml-cpp`) -------------
find_package(yaml-cpp REQUIRED)
add_library(pinnbench_yaml INTERFACE)
add_library(pinnbench::yaml ALIAS pinnbench_yaml)
if(TARGET yaml-cpp::yaml-cpp)
  target_link_libraries(pinnbench_yaml INTERFACE yaml-cpp::yaml-cpp)
else()
  target_link_libraries(pinnbench_yaml INTERFACE yaml-cpp)
endif()

# --- FFTW3 (Allen-Cahn reference solver) -------------------------------------
find_package(PkgConfig REQUIRED)
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)

# --- GoogleTest --------------------------------------------------------------
if(PINNBENCH_ENABLE_TESTS)
  find_package(GTest REQUIRED)
endif()
