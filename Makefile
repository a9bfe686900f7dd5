# leadscore: the commands a newcomer needs. Each target installs only what it uses.
#   make demo     builds leadscore and runs `leadscore demo`: embedded broker, daemon, live synthetic world
#                 (installs librdkafka >= 2.2 if needed; nothing else)
#   make run      builds leadscore (release) and runs the daemon with deploy/leadscore.yaml, starting a
#                 local in-memory Tansu broker when no BROKERS=host:port is given (installs Tansu)
#   make install  builds leadscore (release) and installs it as $(PREFIX)/bin/leadscore (PREFIX=/usr/local)
#   make test     installs everything the tests use (librdkafka, Tansu, Chromium, a jsonschema venv,
#                 Prometheus) and runs every test
#   make bench    the benchmarks (see Benchmarks/README.md)

SWIFT ?= swift
SWIFT_TEST_FLAGS ?=
PREFIX ?= /usr/local
# librdkafka 2.8.0 is built into /usr/local when the system's is too old (scripts/ensure-librdkafka.sh).
export PKG_CONFIG_PATH := /usr/local/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))

.PHONY: setup setup-build setup-run build release install test run demo bench clean

# Everything (what the tests need); setup-build and setup-run are the smaller steps.
setup:
	@bash scripts/setup.sh test

setup-build:
	@bash scripts/setup.sh build

setup-run:
	@bash scripts/setup.sh run

build: setup-build
	$(SWIFT) build --product leadscore

release: setup-build
	$(SWIFT) build -c release --product leadscore

install: release
	install -D -m 0755 .build/release/leadscore $(DESTDIR)$(PREFIX)/bin/leadscore
	@echo "installed $(DESTDIR)$(PREFIX)/bin/leadscore"

# XCTest is off: every test is swift-testing, and XCTest's "Executed 0 tests" line only confuses.
# The tests' scratch files (broker logs, snapshots, daemon configs) go to one directory of their
# own: removed when the tests pass, kept and named when they fail.
test: setup
	$(SWIFT) build --build-tests
	scratch=$$(mktemp -d "$${TMPDIR:-/tmp}/leadscore-tests.XXXXXX"); \
	if TMPDIR="$$scratch" $(SWIFT) test --skip-build --disable-xctest $(SWIFT_TEST_FLAGS); then \
		rm -rf "$$scratch"; \
	else \
		status=$$?; echo "test scratch files (broker logs, snapshots, configs) kept in $$scratch"; exit $$status; \
	fi

demo: setup-build
	$(SWIFT) build --product leadscore
	.build/debug/leadscore demo $(DEMO_ARGS)

run: setup-run release
	@BROKERS="$(BROKERS)" bash scripts/run-local.sh

bench: setup
	@bash Benchmarks/run.sh

clean:
	rm -rf .build
