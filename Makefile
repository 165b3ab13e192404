# memrec: set-up, build, tests and the long-running reproductions.
NODE_MODULES_STAMP := node_modules/.installed
TS_SOURCES := $(shell find src test scripts -name '*.ts' 2>/dev/null) tsconfig.json
BUILD_STAMP := dist/.built

.PHONY: install build test quickstart docs bench clean

install: $(NODE_MODULES_STAMP)

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: $(BUILD_STAMP)

$(BUILD_STAMP): $(NODE_MODULES_STAMP) $(TS_SOURCES)
	rm -rf dist
	npx tsc -p tsconfig.json
	touch $@

# The whole suite: every test file under dist/test, on node's built-in runner.
test: build
	node --test --test-concurrency=2 $$(find dist/test -name '*.test.js' | sort)

# Train the default config on the built-in synthetic data and print its metrics table.
quickstart: build
	./bin/memrec train --config configs/quickstart.yaml

# Regenerate the README's table of config keys from the schema.
docs: build
	node dist/scripts/update-readme-keys.js

clean:
	rm -rf dist

# Speed of the training step and of evaluation per backend, beside PyTorch (not part of CI; minutes).
bench: build
	node dist/scripts/bench/bench.js
