# The two commands: `make dev` brings the local stack up, `make test` runs every test.
# Needs only the Rust toolchain, python3 and Node.js 20 with npm; everything else (the Python
# tools, the web app's packages, Debian's Chromium for its end-to-end tests) is installed on
# first use.

VENV ?= .venv
PYTHON ?= python3
export CONCIERGE_VENV := $(abspath $(VENV))
CARGO ?= cargo
NPM ?= npm

.PHONY: dev test test-build rust-tests venv fmt lint unit integration template fuzz fuzz-smoke deploy-tools package deploy \
	deploy-check publish-site bench clean-venv web-install web-build web-dev web-test web-bench chromium

## dev: the whole local stack (emulator, table, demo hotels, local API on 127.0.0.1:3000, serving
## the built guest app beside the API)
dev: venv web-build
	$(CARGO) run --quiet -p concierge-infra --bin concierge-dev

## test: formatting, lints, template lint, unit tests, the fuzz targets over their seeds and
## mutants, integration tests, and the web app's tests (beside the integration tests)
test: venv fmt lint template test-build
	$(MAKE) --no-print-directory -j2 --output-sync=target rust-tests web-test CONCIERGE_DEV_BUILT=1

## test-build: every Rust test binary and the local stack's binary, before anything runs: a
## running `cargo test` holds cargo's lock, so the web tests must not need cargo beside it
test-build:
	$(CARGO) test --locked --no-run -p concierge -p concierge-tests
	$(CARGO) build --locked -p concierge-infra --bin concierge-dev

## rust-tests: the unit tests, then the fuzz targets over their seeds and mutants
## (tests/fuzz_replay.rs), then the integration tests
rust-tests: venv
	$(CARGO) test --locked -p concierge -p concierge-tests

## venv: the Python tools (AWS emulator, template linter) in .venv
venv: $(VENV)/.installed
$(VENV)/.installed: infra/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements.txt
	touch $@

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

template: venv
	$(VENV)/bin/cfn-lint template.yaml

unit:
	$(CARGO) test --locked -p concierge

## integration: against the emulator (started on a free port unless CONCIERGE_EMULATOR is set)
integration: venv
	$(CARGO) test --locked -p concierge-tests

## fuzz: every fuzz target for FUZZ_SECONDS each (default 600), e.g. `make fuzz FUZZ_SECONDS=3600`
FUZZ_SECONDS ?= 600
fuzz:
	infra/fuzz.sh $(FUZZ_SECONDS)

## fuzz-smoke: every fuzz target coverage-guided for 10 s, in the quicker-to-build dev profile
## (crashes in fuzz/artifacts/; `make test` runs the targets uninstrumented, tests/fuzz_replay.rs)
fuzz-smoke:
	FUZZ_PROFILE=dev infra/fuzz.sh 10

## deploy-tools: what packaging and deploying need, in .venv-package (cargo-lambda, zig, the AWS
## SAM CLI, from infra/requirements-package.txt) and the arm64 Rust target
PACKAGE_VENV ?= .venv-package
# The tools first on PATH; SAM's telemetry off (these machines reach no AWS endpoint).
PACKAGE_ENV = PATH="$(abspath $(PACKAGE_VENV))/bin:$$PATH" SAM_CLI_TELEMETRY=0
deploy-tools: $(PACKAGE_VENV)/.installed
$(PACKAGE_VENV)/.installed: infra/requirements-package.txt
	$(PYTHON) -m venv $(PACKAGE_VENV)
	$(PACKAGE_VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-package.txt
	rustup target add aarch64-unknown-linux-gnu
	touch $@

## package: every function as a Lambda zip for arm64 (target/lambda/<name>/bootstrap.zip)
package: deploy-tools
	$(PACKAGE_ENV) cargo lambda build --release --arm64 --output-format zip -p concierge-functions

## deploy: build every function with SAM (cargo-lambda, as `make package`), deploy the stack
## (asking for its settings the first time, kept in samconfig.toml), then publish the web app
deploy: deploy-tools
	$(PACKAGE_ENV) sam build
	$(PACKAGE_ENV) sam deploy $(if $(wildcard samconfig.toml),,--guided)
	if [ -f web/package.json ]; then npm --prefix web ci && npm --prefix web run build; fi
	$(MAKE) --no-print-directory publish-site

## publish-site: web/dist into the stack's site bucket, then the distribution's cache invalidated
## (the stack's SiteBucketName and SiteDistributionId outputs; STACK, default from samconfig.toml)
STACK ?=
publish-site: venv
	$(VENV)/bin/python infra/publish_site.py --dist web/dist $(if $(STACK),--stack $(STACK))

## events: give the samples in events/ a real session of the running `make dev` stack, for
## `cargo lambda invoke --data-file events/<function>.json` (`git checkout events/` undoes it)
.PHONY: events
events:
	$(CARGO) run --quiet --locked -p concierge-infra --bin concierge-events

## deploy-check: the real `sam build` of every function into a temporary folder, then each
## artifact checked (arm64 executable, zip within the size budget). Minutes, not part of `test`.
deploy-check: deploy-tools
	infra/deploy-check.sh

## bench: cold start of every function (and a Python baseline) and zip sizes, as Markdown, also in
## target/bench/report.md; BENCH_RUNS per function (default 20); arm64 zips if `make package` ran
BENCH_RUNS ?= 20
bench: venv
	$(CARGO) build --release --locked -p concierge-functions
	$(CARGO) run --release --locked -p concierge-infra --bin concierge-bench -- --runs $(BENCH_RUNS)

clean-venv:
	rm -rf $(VENV)

## web-install: the web app's packages in web/node_modules, exactly as web/package-lock.json says
web-install: web/node_modules/.installed
web/node_modules/.installed: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	touch $@

## web-build: the web app in web/dist (rebuilt only when a source changed)
WEB_SOURCES := $(shell find web/src web/public web/index.html web/staff web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)
web-build: web/dist/index.html
web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && $(NPM) run build

## web-dev: Vite's dev server (hot reload) on 127.0.0.1:5173, proxying /api to `make dev`'s API
web-dev: web-install
	cd web && $(NPM) run dev

## web-test: formatting, type check, generated API types up to date, unit tests, size budgets, then the
## end-to-end tests in Chromium against a stack they start (concierge-dev on a free port)
web-test: web-build chromium
	cd web && $(NPM) run --silent format:check && $(NPM) run --silent typecheck && $(NPM) run --silent types:check && $(NPM) test && $(NPM) run --silent budget
	$(if $(CONCIERGE_DEV_BUILT),,$(CARGO) build --locked --quiet -p concierge-infra --bin concierge-dev)
	cd web && $(NPM) run e2e

## web-bench: the guest app's sizes and first render of /scan/{code} on a throttled phone, as
## Markdown (docs/performance.md records them)
web-bench: web-build chromium
	$(CARGO) build --locked --quiet -p concierge-infra --bin concierge-dev
	cd web && $(NPM) run --silent bench

## chromium: Debian's Chromium for the end-to-end tests, when missing
chromium:
	infra/chromium.sh

## cpu-bench: each typical route's handler CPU per request, in process (docs/performance.md)
.PHONY: cpu-bench
cpu-bench: venv
	$(CARGO) run --release --locked -p concierge-infra --bin concierge-cpu -- --keep-alive
