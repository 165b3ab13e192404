# memrec: set-up, build, tests and the long-running reproductions.
NODE_MODULES_STAMP := node_modules/.installed
TS_SOURCES := $(shell find src test scripts -name '*.ts' 2>/dev/null) tsconfig.json
BUILD_STAMP := dist/.built

.PHONY: install native build test quickstart docs bench bench-data bench-sampled gpu-bundle reproduce-tables clean

install: $(NODE_MODULES_STAMP)

# npm ci also builds the native kernels (package.json's install script; a failed build is not an error).
# Before it, OpenBLAS for their sgemm, where apt-get can install it (root); they have their own sgemm if not.
$(NODE_MODULES_STAMP): package.json package-lock.json
	@if { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null | grep -q libopenblas; then \
	  echo "memrec: OpenBLAS found"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get install -y --no-install-recommends libopenblas0-pthread >/dev/null 2>&1; then \
	  echo "memrec: installed libopenblas0-pthread"; \
	else \
	  echo "memrec: no OpenBLAS (the native kernels will use their own sgemm)"; \
	fi
	npm ci --no-audit --no-fund
	touch $@

# Rebuild the native kernels (build/Release/memrec_native.node). `make build` does it by itself when native/
# or binding.gyp changed since the last attempt (its log is the stamp, so a failed build is not retried).
NATIVE_LOG := build/native-build.log
native:
	node scripts/build-native.js

$(NATIVE_LOG): $(wildcard native/*.cc native/*.h) binding.gyp | $(NODE_MODULES_STAMP)
	node scripts/build-native.js

build: $(BUILD_STAMP)

$(BUILD_STAMP): $(NODE_MODULES_STAMP) $(NATIVE_LOG) $(TS_SOURCES)
	rm -rf dist
	npx tsc -p tsconfig.json
	touch $@

# The whole suite: every test file under dist/test, on node's built-in runner. Where a C++ compiler (g++ or
# c++) is on PATH the native module must have built, and its tests run instead of skipping
# (MEMREC_REQUIRE_NATIVE=1; MEMREC_NATIVE=off or MEMREC_REQUIRE_NATIVE=0 in the environment says otherwise).
NATIVE_ADDON := build/Release/memrec_native.node
MEMREC_REQUIRE_NATIVE ?= $(if $(filter off,$(MEMREC_NATIVE)),0,$(if $(shell command -v g++ || command -v c++),1,0))
test: build
	@if [ "$(MEMREC_REQUIRE_NATIVE)" = 1 ] && [ ! -f $(NATIVE_ADDON) ]; then \
	  echo "memrec: a C++ compiler is on PATH but $(NATIVE_ADDON) was not built: see $(NATIVE_LOG), fix it and run make native (MEMREC_NATIVE=off tests without it)" >&2; \
	  exit 1; \
	fi
	MEMREC_REQUIRE_NATIVE=$(MEMREC_REQUIRE_NATIVE) node --test --test-concurrency=2 $$(find dist/test -name '*.test.js' | sort)

# Train SASRec on the built-in synthetic data (configs/quickstart.yaml) and print its metrics table.
quickstart: build
	./bin/memrec train --config configs/quickstart.yaml

# Regenerate the README's table of config keys from the schema.
docs: build
	node dist/scripts/update-readme-keys.js

clean:
	rm -rf dist

# Speed of the training step and of evaluation per backend, beside PyTorch, then of data loading (not part
# of CI; minutes).
bench: build
	node dist/scripts/bench/bench.js
	node --expose-gc dist/scripts/bench/data-load.js
	node dist/scripts/bench/sampled-eval.js

# What scripts/gpu-bench.sh needs on a GPU machine that has no Node.js and cannot download: Node, the Vulkan
# loader, memrec and the node_modules files it loads, in gpu-bundle/memrec-gpu.tar.xz (~30 MB; minutes).
gpu-bundle: build
	scripts/gpu-bundle.sh

# Sampled evaluation on a 1,000,000-item catalogue: candidates scored alone, beside the whole catalogue
# scored and gathered (minutes; about 3 GB of memory).
bench-sampled: build
	node dist/scripts/bench/sampled-eval.js

# The papers' tables rerun with the presets (resumable; QUICK=1 for one seed and 2 epochs, minutes), written to
# results/tables/<paper>-<table>.{md,csv,html}. DATA=<folder of raw files> (default ../shared/datasets).
reproduce-tables: build
	./bin/memrec reproduce --paper all $(if $(QUICK),--quick) $(if $(DATA),--data $(DATA)) $(if $(JOBS),--jobs $(JOBS))

# Loading and preprocessing MovieLens ratings.dat: 1,000,000 generated rows and the ML-1M half (seconds).
bench-data: build
	node --expose-gc dist/scripts/bench/data-load.js
