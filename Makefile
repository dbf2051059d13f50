# Developer entry points. Each needs only Rust and Python 3 (3.11 is what CI uses); the
# Python tools (moto, cargo-lambda, cfn-lint) go into the project-local .venv/. The targets
# that start processes run the xtask (xtask/: `cargo run -p xtask -- --help`).
# How the local system fits together: docs/local.md.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CFN_LINT := .venv/bin/cfn-lint
XTASK := cargo run --quiet -p xtask --

.PHONY: bench-heif bench-list bench-notify browser build-tools features help venv dev test test-arm64 test-reliability bench-corpus bench fuzz lint fmt clippy cfn-lint openapi-lint e2e sam-build clean-local

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F ':.*## ' '{ printf "  make %-12s %s\n", $$1, $$2 }'

venv: ## Create or update .venv from requirements-dev.txt (no-op when current)
	scripts/ensure-venv

build-tools: ## CMake (builds libaom, the AVIF encoder) and NASM (libaom's and mozjpeg's x86-64 assembly), from apt when missing
	scripts/ensure-build-tools

dev: venv build-tools ## Run everything locally: moto :4566, API :9000, SQS bridges (Ctrl-C stops)
	$(XTASK) dev

test: venv build-tools browser lint ## Lints, then cargo test against moto, then the end-to-end tests (the page in Chromium too)
	$(XTASK) test

test-arm64: build-tools ## The imaging tests for aarch64 under qemu (installs the cross tools if missing)
	scripts/test-arm64

FUZZ_SECONDS ?= 600
fuzz: build-tools ## Fuzz sniff + decode + process for FUZZ_SECONDS (600); needs the nightly toolchain
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	mkdir -p crates/imaging/fuzz/corpus/process
	cd crates/imaging && cargo +nightly fuzz run process fuzz/corpus/process tests/corpus -- \
		-max_total_time=$(FUZZ_SECONDS)

lint: fmt clippy cfn-lint openapi-lint features ## cargo fmt --check, clippy -D warnings, cfn-lint, OpenAPI validation, feature unification

fmt:
	cargo fmt --all -- --check

clippy:
	cargo clippy --workspace --all-targets -- -D warnings

browser: venv ## Chromium (Debian's, with apt) and Playwright in .venv, for the page's browser test
	scripts/ensure-chromium
	@cmp -s requirements-browser.txt .venv/.requirements-browser 2>/dev/null || { \
		echo "==> installing requirements-browser.txt into .venv"; \
		.venv/bin/pip install --quiet -r requirements-browser.txt && \
		cp requirements-browser.txt .venv/.requirements-browser; }

features: ## Check that binaries and tests share one build of the dependencies
	scripts/check-feature-unification

openapi-lint: venv
	.venv/bin/openapi-spec-validator api/openapi.yaml

cfn-lint: venv
	@if [[ -f template.yaml ]]; then \
		echo "$(CFN_LINT) template.yaml"; $(CFN_LINT) template.yaml; \
	else \
		echo "cfn-lint: no template.yaml yet, skipped"; \
	fi

test-reliability: venv build-tools ## Faults, load and hostile input, with a table of figures (SCALE=ci: bounded)
	$(XTASK) reliability

bench-corpus: ## Fetch the benchmark corpus (Debian wallpapers) into .bench/corpus
	scripts/bench/corpus

bench-notify: venv build-tools ## Median time from a transition to its webhook and its live push (JOBS=20)
	$(XTASK) latency

bench-list: venv build-tools ## Delay from an upload, and from its completion, to GET /images showing it (JOBS=100)
	$(XTASK) list-latency

bench: build-tools ## The default set, every format, against sharp on .bench/corpus: 1 then 2 threads per image, scored
	scripts/bench/compare

bench-heif: venv build-tools ## HEIC/AVIF: decode speed against libheif (pillow-heif), the whole job and its peak memory at 12 and 48 MP
	scripts/bench/heif

sam-build: venv build-tools ## sam build for arm64 (installs SAM CLI into .venv-sam/ and the Rust target)
	rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || \
		rustup target add aarch64-unknown-linux-gnu
	[[ -x .venv-sam/bin/sam ]] || { python3 -m venv .venv-sam && \
		.venv-sam/bin/pip install --quiet -r requirements-sam.txt; }
	PATH="$$PWD/.venv/bin:$$PATH" .venv-sam/bin/sam build

e2e: venv build-tools browser ## Only the end-to-end tests (cargo test -p e2e) on a stack of their own
	$(XTASK) e2e

clean-local: ## Remove .venv/, .venv-sam/, .local/ and .aws-sam/ (the next make recreates them)
	rm -rf .venv .venv-sam .local .aws-sam
