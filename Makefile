# Order analytics pipeline. `make help` lists the targets.
#
# Two ways to run the services:
#  - the local stack (no Docker): MariaDB, ClickHouse and Kafka on loopback, data in .local/
#    (local-up, local-down, local-status, local-clean, run, test);
#  - docker-compose (setup, up, down, clean, ps, logs, register-connector, ...).
# The shells and init-db talk to whichever is running: the local stack when its services are up,
# docker-compose otherwise (override with STACK=local or STACK=compose).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Ports and passwords of the docker-compose stack (the local stack reads scripts/local/env.sh), as
# defaults: each KEY=value line of .env becomes KEY ?= value, so a variable from the environment or
# make's command line wins, as it does for docker compose. Quotes around a value are dropped (and an
# unquoted value's " # comment"); $ and # in a value stay literal. (Each statement ends in ';': with
# SHELL=bash, make passes the program to $(shell) on one line.)
define ENV_TO_MAKE
/^[ \t]*(#|$$)/ { next };
{
  line = $$0; sub(/\r$$/, "", line); sub(/^[ \t]*(export[ \t]+)?/, "", line);
  eq = index(line, "="); if (!eq) next;
  key = substr(line, 1, eq - 1); sub(/[ \t]+$$/, "", key);
  if (key !~ /^[A-Za-z_][A-Za-z0-9_]*$$/) next;
  val = substr(line, eq + 1); sub(/^[ \t]+/, "", val);
  if (val ~ /^".*"$$/ || val ~ /^\047.*\047$$/) val = substr(val, 2, length(val) - 2);
  else { sub(/[ \t]+#.*$$/, "", val); sub(/[ \t]+$$/, "", val) };
  gsub(/\$$/, "$$$$", val); gsub(/#/, "\\#", val);
  printf "%s ?= %s@@NL@@", key, val;
}
endef
define NEWLINE


endef
ifneq ($(wildcard .env),)
$(eval $(subst @@NL@@,$(NEWLINE),$(shell awk '$(ENV_TO_MAKE)' .env)))
endif

MVN     := ./mvnw -B
LOCAL   := scripts/local
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
STACK   ?= $(shell $(LOCAL)/stack.sh status >/dev/null 2>&1 && echo local || (docker info >/dev/null 2>&1 && echo compose || echo local))
export STACK COMPOSE

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

## ---- Local stack (no Docker) -------------------------------------------------------------------

.PHONY: local-up local-down local-status local-clean
local-up: ## Start MariaDB, ClickHouse and Kafka on loopback (installs what is missing)
	@$(LOCAL)/stack.sh up
local-down: ## Stop what local-up started
	@$(LOCAL)/stack.sh down
local-status: ## Show the local services, their pids and memory
	@$(LOCAL)/stack.sh status
local-clean: ## Stop the local stack and delete its data
	@$(LOCAL)/stack.sh clean

## ---- Build, run, test -----------------------------------------------------------------------

.PHONY: demo
demo: ## The whole pipeline with sample traffic: stack, app, load, reconciliation, then where to look
	@scripts/demo.sh

.PHONY: build run test load reconcile relay-latency bench chaos chdb openapi-lint compose-check init-mysql-sql
build: ## Compile and package the app (no tests), then its AOT cache or class archive for quicker starts (about 20 s more; scripts/local/cds.sh)
	$(MVN) -q -DskipTests package
	@$(LOCAL)/cds.sh prepare

run: local-up ## Run the app on :8080 against the local stack, in the foreground
	$(MVN) -q spring-boot:run

test: chdb openapi-lint alerts-check ## Every test against real services: promtool on the alert rules, mvn verify on the local stack (started and stopped if it was down), then make chaos --short
	@$(LOCAL)/ensure-packages.sh chromium chromium-driver
	@set -u; \
	was_up=no; $(LOCAL)/stack.sh status >/dev/null 2>&1 && was_up=yes; \
	$(LOCAL)/stack.sh up || exit 1; \
	status=0; $(MVN) verify || status=$$?; \
	if [ $$was_up = no ]; then $(LOCAL)/stack.sh down; else echo "local stack was running before the tests: left running"; fi; \
	[ $$status -ne 0 ] || [ "$${SKIP_CHAOS:-}" = 1 ] || scripts/chaos/chaos.sh --short || status=$$?; \
	exit $$status

RATE     ?= 100
DURATION ?= 30
APP_URL  ?= http://localhost:8080
load: ## Post orders and status changes at RATE/s for DURATION s to a running app (make run in another shell)
	@ls target/order-analytics-pipeline-*.jar >/dev/null 2>&1 || $(MVN) -q -DskipTests package
	@java -Dloader.main=io.orderpipeline.load.LoadGenerator -cp "$$(ls target/order-analytics-pipeline-*.jar | head -n 1)" \
	  org.springframework.boot.loader.launch.PropertiesLauncher --rate=$(RATE) --duration=$(DURATION) --url=$(APP_URL) $(LOAD_ARGS)

reconcile: ## MySQL beside ClickHouse (orders and revenue per day, orders per status); exits 1 on any difference
	@ls target/order-analytics-pipeline-*.jar >/dev/null 2>&1 || $(MVN) -q -DskipTests package
	@java -Dloader.main=io.orderpipeline.analytics.ReconcileCommand -cp "$$(ls target/order-analytics-pipeline-*.jar | head -n 1)" \
	  org.springframework.boot.loader.launch.PropertiesLauncher

relay-latency: ## What the relay adds at ~1,000 events/s: p50/p99 from outbox insert to Kafka ack (app must run)
	@scripts/bench/relay-latency.sh $(or $(SECONDS_),20)

bench: ## Intake, relay, end-to-end and sink benchmarks beside raw ceilings, on a stack of their own (BENCH="relay sink" for some)
	@scripts/bench/bench.sh $(BENCH)

chaos: ## Reliability suite: crashes, outages, poison, two instances, hostile input, each ending in an exact reconciliation (own stack)
	@scripts/chaos/chaos.sh $(CHAOS)

chdb: scripts/chdb/node_modules/.installed ## Install chdb (a current ClickHouse engine) for the SQL checks
scripts/chdb/node_modules/.installed: scripts/chdb/package.json scripts/chdb/package-lock.json
	cd scripts/chdb && npm install --no-audit --no-fund --loglevel=error
	@touch $@

openapi-lint: scripts/openapi/node_modules/.installed ## Install Redocly CLI, the third-party validator ApiDocumentIT runs on the served OpenAPI document
scripts/openapi/node_modules/.installed: scripts/openapi/package.json scripts/openapi/package-lock.json
	cd scripts/openapi && npm install --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: alerts-check
alerts-check: ## Check the Prometheus alert rules with promtool (syntax, then the unit tests in prometheus/rules/tests)
	@scripts/prometheus/promtool.sh check config prometheus/prometheus.yml
	@scripts/prometheus/promtool.sh check rules prometheus/rules/*.yml
	@scripts/prometheus/promtool.sh test rules prometheus/rules/tests/*.yml

compose-check: ## Validate docker-compose.yml (needs no Docker engine)
	@command -v docker-compose >/dev/null || $(LOCAL)/ensure-packages.sh docker-compose
	@env -i PATH="$$PATH" docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"

init-mysql-sql: ## Rewrite scripts/init-mysql.sql from the Flyway migrations
	@scripts/build-init-mysql.sh

## ---- Databases and Kafka (local stack or docker-compose) -------------------------------------

.PHONY: init-db mysql-shell clickhouse-shell outbox-requeue outbox-discard outbox-status kafka-topics kafka-consumer-lag
init-db: ## Create the MySQL and ClickHouse schemas (idempotent)
	@scripts/db-shell.sh mysql < scripts/init-mysql.sql
	@SHELL_DATABASE=default scripts/db-shell.sh clickhouse < scripts/init-clickhouse.sql
	@echo "schemas in place ($(STACK) stack)"

mysql-shell: ## MySQL shell on ecommerce; with SQL piped in, prints tab-separated rows
	@scripts/db-shell.sh mysql

clickhouse-shell: ## ClickHouse shell on analytics; with SQL piped in, prints tab-separated rows
	@scripts/db-shell.sh clickhouse

outbox-requeue: ## Publish dead-lettered outbox rows again (ID=n for one); their held orders follow in order
	@(echo "SET @id = $(or $(ID),NULL);"; cat scripts/outbox/requeue.sql) | scripts/db-shell.sh mysql

outbox-discard: ## Give dead-lettered outbox rows up (ID=n for one); their orders' later events flow without them
	@(echo "SET @id = $(or $(ID),NULL);"; cat scripts/outbox/discard.sql) | scripts/db-shell.sh mysql

outbox-status: ## Outbox rows by state (pending, published, dead-lettered, discarded) and the orders held back
	@scripts/db-shell.sh mysql < scripts/outbox/status.sql

kafka-topics: ## Describe the Kafka topics
ifeq ($(STACK),local)
	@$(LOCAL)/kafka.sh topics
else
# Inside the broker's container: its in-network listener. localhost:9092 there is the HOST listener,
# which advertises localhost:$(KAFKA_PORT), a port that may be another one inside the container.
	@$(COMPOSE) exec -T kafka /opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:29092 --describe
endif

kafka-consumer-lag: ## Show every consumer group's lag per partition
ifeq ($(STACK),local)
	@$(LOCAL)/kafka.sh tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
	  --bootstrap-server 127.0.0.1:$${KAFKA_PORT:-9092} --describe --all-groups
else
	@$(COMPOSE) exec -T kafka /opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server kafka:29092 --describe --all-groups
endif

## ---- docker-compose (the production-like stack; needs a Docker engine) ---------------------------

.PHONY: setup up down clean ps logs register-connector connector-status grafana kafka-ui
setup: ## Build and start everything with docker-compose (and the Kafka Connect sink when SINK_MODE=connect)
	$(COMPOSE) up -d --build
	@if [ "$(SINK_MODE)" = connect ]; then $(MAKE) -s register-connector; fi
	@echo "App http://localhost:$(or $(APP_PORT),8080)  Grafana http://localhost:$(or $(GRAFANA_PORT),3000) ($(or $(GRAFANA_ADMIN_USER),admin)/$(or $(GRAFANA_ADMIN_PASSWORD),test123))  Kafka UI http://localhost:$(or $(KAFKA_UI_PORT),8081)  Prometheus http://localhost:$(or $(PROMETHEUS_PORT),9090)"

up: ## Start the docker-compose stack (keeps data)
	$(COMPOSE) up -d

down: ## Stop the docker-compose stack (keeps data)
	$(COMPOSE) down

clean: ## Stop the docker-compose stack and delete its volumes
	$(COMPOSE) down -v --remove-orphans

ps: ## docker-compose services and their health
	$(COMPOSE) ps

logs: ## Follow the docker-compose logs (SERVICE=name for one)
	$(COMPOSE) logs -f --tail=200 $(SERVICE)

CONNECT_URL     ?= http://localhost:$(or $(KAFKA_CONNECT_PORT),8083)
CONNECT_TIMEOUT ?= 180
# Waits (up to CONNECT_TIMEOUT s) for Connect's REST API to list connectors, then PUTs the config,
# again while Connect answers 409 (a rebalance, usual right after start). curl --retry retries
# neither a 404 nor a 409, which Connect gives while it starts.
register-connector: ## Create or update the ClickHouse sink connector in Kafka Connect (waits for Connect)
	@config=$$(python3 -c 'import json; print(json.dumps(json.load(open("kafka-connect/clickhouse-sink.json"))["config"]))') || exit 1; \
	deadline=$$((SECONDS + $(CONNECT_TIMEOUT))); \
	until [ "$$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 $(CONNECT_URL)/connectors)" = 200 ]; do \
	  if [ $$SECONDS -ge $$deadline ]; then echo "Kafka Connect at $(CONNECT_URL) did not answer GET /connectors with 200 within $(CONNECT_TIMEOUT) s (make logs SERVICE=kafka-connect)" >&2; exit 1; fi; \
	  sleep 2; \
	done; \
	body=$$(mktemp); trap 'rm -f "$$body"' EXIT; \
	while :; do \
	  code=$$(curl -s -o "$$body" -w '%{http_code}' --max-time 30 -X PUT -H 'Content-Type: application/json' \
	    --data "$$config" $(CONNECT_URL)/connectors/clickhouse-sink-orders/config); \
	  case "$$code" in \
	    200|201) cat "$$body"; echo; exit 0 ;; \
	    409|000) if [ $$SECONDS -ge $$deadline ]; then echo "registering the connector: HTTP $$code" >&2; cat "$$body" >&2; echo >&2; exit 1; fi; sleep 2 ;; \
	    *) echo "registering the connector: HTTP $$code" >&2; cat "$$body" >&2; echo >&2; exit 1 ;; \
	  esac; \
	done

connector-status: ## Status of the ClickHouse sink connector
	@curl -fsS $(CONNECT_URL)/connectors/clickhouse-sink-orders/status && echo

grafana: ## Where Grafana is
	@echo "Grafana: http://localhost:$(GRAFANA_PORT)  (login admin / $(GRAFANA_ADMIN_PASSWORD))"

kafka-ui: ## Where Kafka UI is
	@echo "Kafka UI: http://localhost:$(KAFKA_UI_PORT)"
