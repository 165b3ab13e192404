#include "blas.h"

#include <dlfcn.h>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace memrec {
namespace {

const char* const kCandidates[] = {
#if defined(__APPLE__)
    "libopenblas.dylib",
    "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
    "/usr/local/opt/openblas/lib/libopenblas.dylib",
#else
    "libopenblas.so.0",
    "libopenblas.so",
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
    "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
#endif
};

// The file the symbol was loaded from, with links resolved; empty if unknown.
std::string libraryPath(void* symbol) {
  Dl_info info;
  if (dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return "";
  char resolved[PATH_MAX];
  return realpath(info.dli_fname, resolved) != nullptr ? resolved : info.dli_fname;
}

using SetThreads = void (*)(int);
using GetInt = int (*)();
using GetString = char* (*)();

template <class F>
F symbol(void* handle, const char* name) {
  return reinterpret_cast<F>(dlsym(handle, name));
}

// The library in handle, set to one thread per sgemm call, or nothing (handle closed) when it lacks sgemm or
// cannot be held to one thread: then its result would depend on how many threads it chose to use.
Blas oneThreaded(void* handle) {
  Blas result;
  void* sgemm = dlsym(handle, "cblas_sgemm");
  auto setThreads = symbol<SetThreads>(handle, "openblas_set_num_threads");
  auto getThreads = symbol<GetInt>(handle, "openblas_get_num_threads");
  if (sgemm != nullptr && setThreads != nullptr && getThreads != nullptr) {
    setThreads(1);
    auto parallel = symbol<GetInt>(handle, "openblas_get_parallel");  // 0 sequential, 1 pthreads, 2 OpenMP
    const bool openmp = parallel != nullptr && parallel() == 2;
    // dlsym on the handle also searches the libraries it depends on, libgomp among them.
    if (openmp) result.ompSetNumThreads = symbol<SetThreads>(handle, "omp_set_num_threads");
    if (getThreads() == 1 && (!openmp || result.ompSetNumThreads != nullptr)) {
      result.sgemm = reinterpret_cast<CblasSgemm>(sgemm);
      result.path = libraryPath(sgemm);
      result.threads = getThreads();
      if (auto config = symbol<GetString>(handle, "openblas_get_config")) result.config = config();
      return result;
    }
  }
  dlclose(handle);
  return Blas();
}

Blas load() {
  const char* choice = std::getenv("MEMREC_NATIVE_BLAS");
  if (choice != nullptr && std::strcmp(choice, "builtin") == 0) return Blas();
  for (const char* name : kCandidates) {
    void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) continue;
    Blas result = oneThreaded(handle);
    if (result.sgemm != nullptr) return result;
  }
  return Blas();
}

}  // namespace

const Blas& blas() {
  static const Blas instance = load();
  return instance;
}

void blasSgemm(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
               float* C, int ldc) {
  const Blas& lib = blas();
  if (lib.ompSetNumThreads != nullptr) {
    thread_local bool oneThread = false;
    if (!oneThread) lib.ompSetNumThreads(1);
    oneThread = true;
  }
  lib.sgemm(101, transA ? 112 : 111, transB ? 112 : 111, M, N, K, 1.f, A, lda, B, ldb, 0.f, C, ldc);
}

}  // namespace memrec
