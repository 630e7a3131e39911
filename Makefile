# qmostd — quick start: `make demo`, then `make test`.
SHELL := /bin/bash
APT_PACKAGES := libcfitsio-dev libfftw3-dev libcurl4-openssl-dev libsqlite3-dev pkg-config python3-aiosmtpd fitsverify
SWIFT ?= swift
BUILD_FLAGS ?=
QMOSTD_DEBUG := .build/debug/qmostd
QMOSTD_RELEASE := .build/release/qmostd
CONFIG := etc/qmostd.yaml

.PHONY: all deps build release demo test test-unit test-integration bench clean-demo

all: build

## deps: apt-install whatever of the C libraries and test servers is missing (idempotent).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "system packages present"; fi
	@# Separate step: Python astropy for the independent-reader test (Phase3AstropyCrossCheckTests), which skips without
	@# it. Quiet and instant when present; a pyenv/venv python installs plainly, Debian's own needs --break-system-packages
	@# (and --user when not root). A failed install only warns.
	@if python3 -c 'import astropy' 2>/dev/null; then echo "astropy present"; \
	else export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore; \
	  if python3 -m pip install --quiet astropy 2>/dev/null \
	    || python3 -m pip install --quiet --break-system-packages $$([ "$$(id -u)" = 0 ] || echo --user) astropy; \
	  then echo "installed astropy"; else echo "astropy not installed: the astropy cross-check tests will be skipped"; fi; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

## demo: a simulated night (every calibration and a science OB, three spectrographs, small scale) written straight
## into the embedded default installation's spool (this checkout's etc/ and spool/) and ingested by the daemon,
## the night closed so L1 makes its masters and spectra, then a synthetic target catalogue: TARG_IDs, shared objects, `ids` and `cone`. The night's truth goes to repo/truth.
demo: build
	$(QMOSTD_DEBUG) simulate --night 2026-11-20 --out spool/raw --truth repo/truth/2026-11-20 --scale small --seed 1
	$(QMOSTD_DEBUG) run --until-idle --config $(CONFIG)
	$(QMOSTD_DEBUG) status --config $(CONFIG)
	$(QMOSTD_DEBUG) log --config $(CONFIG) --lines 12
	@first=$$(ls repo/raw/2026-11-20/ | head -1); $(QMOSTD_DEBUG) explain --config $(CONFIG) repo/raw/2026-11-20/$$first
	@# L1: closing the night starts it at once (otherwise after 30 quiet minutes): masters, then each science frame,
	@# then each OB's Phase 3 products.
	$(QMOSTD_DEBUG) night close --config $(CONFIG) 2026-11-20
	$(QMOSTD_DEBUG) run --until-idle --config $(CONFIG)
	@l1=$$(cd repo/l1/2026-11-20 && ls *_L1.fits | head -1); $(QMOSTD_DEBUG) explain --config $(CONFIG) repo/raw/2026-11-20/$${l1%_L1.fits}.fits
	@# Then the Phase 3 products of every target (per arm and joined, heliocentric) and the night's container.
	@ls repo/l1/2026-11-20/singlespec | wc -l | xargs echo "Phase 3 files:"; ls repo/l1/2026-11-20/*nightspectra.fits
	@lj1=$$(ls repo/l1/2026-11-20/singlespec/*_LJ1.fits | head -1); $(QMOSTD_DEBUG) explain --config $(CONFIG) $$lj1 | head -30
	@# The same bytes dropped again under another name: acknowledged as a duplicate, never stored twice.
	@first=$$(ls repo/raw/2026-11-20/ | head -1); cp repo/raw/2026-11-20/$$first spool/raw/.again.part && mv spool/raw/.again.part spool/raw/again-$$first
	$(QMOSTD_DEBUG) run --until-idle --config $(CONFIG)
	$(QMOSTD_DEBUG) log --config $(CONFIG) --lines 2
	@# Identifiers: a target catalogue, linked into objects; then an object catalogued twice (two targets), and a cone.
	$(QMOSTD_DEBUG) make-catalogue repo/demo-catalogue.fits --count 20000
	$(QMOSTD_DEBUG) targets ingest --config $(CONFIG) repo/demo-catalogue.fits --survey DEMO
	$(QMOSTD_DEBUG) ids --config $(CONFIG) 2000000000003
	$(QMOSTD_DEBUG) cone --config $(CONFIG) 173.82 -1.908 600

clean-demo:
	rm -rf repo prerelease releases qmost.db qmost.db-wal qmost.db-shm qmostd.lock
	find spool -type f ! -name .gitkeep -delete

## test: every test — fast unit tests, then the slower integration tests (real SMTP server, daemon subprocesses).
test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(MAKE) --no-print-directory test-unit test-integration

## The science suites (simulator, L1) keep both cores busy for seconds at a time with synchronous work; they run in
## their own process so they cannot starve the cooperative threads that the engine tests' leases and heartbeats need.
test-unit:
	$(SWIFT) test --skip-build --skip QMostIntegrationTests --skip QMostSimulatorTests --skip QMostL1Tests --skip QMostQATests --skip QMostL2Tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build --filter QMostSimulatorTests --filter QMostL1Tests --filter QMostQATests --filter QMostL2Tests $(BUILD_FLAGS)

## The L1 and QA daemon tests simulate and reduce nights on both cores; each alone in its own process, they cannot
## slow the timing-sensitive ingest tests (grace periods, scans) past their limits.
test-integration:
	$(SWIFT) test --skip-build --filter QMostIntegrationTests --skip L1DaemonTests --skip QADaemonTests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build --filter L1DaemonTests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build --filter QADaemonTests $(BUILD_FLAGS)

## bench: release build, then simulator, L1, ingest, queue and catalogue benchmarks printing their figures.
bench: release
	.build/release/qmostd-bench
