# The two commands: `make demo` and `make test`. Each first installs what is missing (quietly, idempotently).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PACKAGES := postgresql-15 python3-aiosmtpd chromium fonts-noto-cjk nodejs
RESULTS := .airq/test-results
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: setup build test demo clean compose-check

setup:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  $$sudo mkdir -p /etc/postgresql-common/createcluster.d; \
	  echo "create_main_cluster = false" | $$sudo tee /etc/postgresql-common/createcluster.d/airq.conf >/dev/null; \
	  log=$$(mktemp); \
	  { $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; } >$$log 2>&1 \
	    || { cat $$log; echo "make setup: installing$$missing failed (log above)."; exit 1; }; \
	  rm -f $$log; \
	fi; \
	command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://learn.microsoft.com/dotnet/core/install/linux-debian"; exit 1; }
	@# The browser tests' playwright-core, as locked in tests/browser/package-lock.json; it drives Debian's chromium and
	@# downloads no browser of its own.
	@[ -f tests/browser/node_modules/playwright-core/package.json ] || { \
	  log=$$(mktemp); \
	  (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) >$$log 2>&1 \
	    || { cat $$log; echo "make setup: npm ci in tests/browser failed (log above)."; exit 1; }; \
	  rm -f $$log; }

build: setup
	@dotnet build AirQuality.sln -c Release --nologo -v quiet -clp:ErrorsOnly

demo: setup
	@./airq demo

# Runs every test project, then lists the skipped tests with their reasons, prints "N skipped", and last the
# totals as "N passed, N failed" (read by CI). Inside a project the test classes run in parallel (tests/xunit.runner.json).
# Two projects run at a time, each on a private cluster of its own: the integration tests (the longest, mostly waiting on
# airq processes, brokers and timeouts) start first in one lane while the stage projects run one after another in the
# other. Each project's console output is printed whole when it ends, so the two never interleave.
TEST_LANES ?= 2
test: build
	@rm -rf $(RESULTS); mkdir -p $(RESULTS); status=0; \
	{ ls tests/AirQuality.IntegrationTests/*Tests.csproj; ls tests/*/*Tests.csproj | grep -v '/AirQuality.IntegrationTests/'; } | \
	  xargs -P $(TEST_LANES) -I{} sh -c 'name=$$(basename "{}" .csproj); \
	    dotnet test "{}" -c Release --no-build --nologo -v quiet \
	      --logger "trx;LogFileName=$$name.trx" --logger "console;verbosity=minimal" --results-directory $(RESULTS) >$(RESULTS)/$$name.log 2>&1; \
	    rc=$$?; cat $(RESULTS)/$$name.log; exit $$rc' || status=1; \
	python3 tests/test_totals.py $(RESULTS); \
	exit $$status

# Checks docker-compose.yml without a Docker engine: Debian's docker-compose 1.29 (installed here if missing)
# parses it, merges the anchors and resolves variables; and it must refuse to start without the passwords.
compose-check:
	@command -v docker-compose >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  $$sudo apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; }
	@POSTGRES_PASSWORD=check AIRQ_INGEST_DB_PASSWORD=check AIRQ_ANALYTICS_DB_PASSWORD=check AIRQ_CONSOLE_DB_PASSWORD=check \
	  docker-compose -f docker-compose.yml config --quiet && echo "docker-compose.yml: valid"
	@if env -u POSTGRES_PASSWORD -u AIRQ_INGEST_DB_PASSWORD -u AIRQ_ANALYTICS_DB_PASSWORD -u AIRQ_CONSOLE_DB_PASSWORD docker-compose -f docker-compose.yml config --quiet 2>/dev/null; then \
	  echo "docker-compose.yml: accepted missing passwords"; exit 1; else echo "docker-compose.yml: refuses to start without the passwords"; fi

clean:
	@rm -rf .airq/test-results; find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
