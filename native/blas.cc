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

Blas load() {
  Blas result;
  const char* choice = std::getenv("MEMREC_NATIVE_BLAS");
  if (choice != nullptr && std::strcmp(choice, "builtin") == 0) return result;
  for (const char* name : kCandidates) {
    void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) continue;
    void* sgemm = dlsym(handle, "cblas_sgemm");
    if (sgemm == nullptr) {
      dlclose(handle);
      continue;
    }
    using SetThreads = void (*)(int);
    if (auto setThreads = reinterpret_cast<SetThreads>(dlsym(handle, "openblas_set_num_threads"))) setThreads(1);
    result.sgemm = reinterpret_cast<CblasSgemm>(sgemm);
    result.path = libraryPath(sgemm);
    break;
  }
  return result;
}

}  // namespace

const Blas& blas() {
  static const Blas instance = load();
  return instance;
}

}  // namespace memrec
