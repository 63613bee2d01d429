# The two commands: `make demo` and `make test`. Each first installs what is missing (quietly, idempotently).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PACKAGES := postgresql-15 librdkafka1 librdkafka-dev python3-aiosmtpd chromium fonts-noto-cjk
RESULTS := .airq/test-results
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: setup build test demo clean

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

build: setup
	@dotnet build AirQuality.sln -c Release --nologo -v quiet -clp:ErrorsOnly

demo: setup
	@./airq demo

# Runs every test project, then prints the totals as "N passed, N failed" (read by CI).
test: build
	@rm -rf $(RESULTS); status=0; \
	for project in tests/*/*Tests.csproj; do \
	  [ -f "$$project" ] || continue; name=$$(basename "$$project" .csproj); \
	  dotnet test "$$project" -c Release --no-build --nologo -v quiet \
	    --logger "trx;LogFileName=$$name.trx" --logger "console;verbosity=minimal" --results-directory $(RESULTS) || status=1; \
	done; \
	python3 -c 'import glob,re; c=[re.search(r"<Counters [^>]*", open(f, encoding="utf-8").read()).group(0) for f in glob.glob("$(RESULTS)/*.trx")]; g=lambda k: sum(int(re.search(k + "=.([0-9]+)", x).group(1)) for x in c); print("%d passed, %d failed" % (g("passed"), g("failed")))'; \
	exit $$status

clean:
	@rm -rf .airq/build .airq/test-results; find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
