{
  "targets": [
    {
      "target_name": "memrec_native",
      "sources": [
        "native/addon.cc",
        "native/blas.cc",
        "native/gemm.cc",
        "native/ops.cc",
        "native/thread_pool.cc"
      ],
      "cflags": ["-O3", "-pthread", "-ffp-contract=off"],
      "cflags_cc": ["-std=c++17"],
      "ldflags": ["-pthread"],
      "libraries": ["-ldl"],
      "conditions": [
        ["target_arch=='x64'", {"cflags": ["-march=native"]}]
      ],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CFLAGS": ["-O3", "-ffp-contract=off"],
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
