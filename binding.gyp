{
  "targets": [
    {
      "target_name": "memrec_native",
      "sources": [
        "native/addon.cc",
        "native/blas.cc",
        "native/elementwise.cc",
        "native/gemm.cc",
        "native/layout.cc",
        "native/ops.cc",
        "native/reduce.cc",
        "native/thread_pool.cc",
        "native/topk.cc"
      ],
      # No FMA contraction, so results match tfjs-cpu's JS arithmetic; no FP traps or errno, so that loops with
      # comparisons or sqrt vectorize (neither changes a result).
      "cflags": ["-O3", "-pthread", "-ffp-contract=off", "-fno-trapping-math", "-fno-math-errno"],
      "cflags_cc": ["-std=c++17"],
      "ldflags": ["-pthread"],
      "libraries": ["-ldl"],
      "conditions": [
        ["target_arch=='x64'", {"cflags": ["-march=native"]}]
      ],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-trapping-math", "-fno-math-errno"],
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
