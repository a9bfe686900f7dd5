# leadscore: the commands a newcomer needs.
#   make demo   builds leadscore and runs `leadscore demo`: embedded broker, daemon, live synthetic world
#   make test   installs what the tests need (librdkafka >= 2.2, the Tansu broker) and runs every test
#   make run    starts a local Tansu broker if none is given and runs the daemon with deploy/leadscore.yaml
#   make bench  the benchmarks (see Benchmarks/README.md)

SWIFT ?= swift
SWIFT_TEST_FLAGS ?=

.PHONY: setup test build release run demo bench clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build $(SWIFT_TEST_FLAGS)

demo: setup
	$(SWIFT) build --product leadscore
	.build/debug/leadscore demo $(DEMO_ARGS)

run: release
	@BROKERS="$(BROKERS)" bash scripts/run-local.sh

bench: setup
	@bash Benchmarks/run.sh

clean:
	rm -rf .build
