# Multi-stage build of the app: Maven builds the jar, a JRE runs it.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY scripts/init-clickhouse.sql scripts/init-clickhouse.sql
RUN mvn -B -q -DskipTests package \
    && java -Djarmode=tools -jar target/order-analytics-pipeline-*.jar extract --destination /src/extracted \
    && mv /src/extracted/order-analytics-pipeline-*.jar /src/extracted/app.jar

# Java 25 runs what Java 17 built (the code targets 17), and its AOT cache starts the app quicker.
FROM eclipse-temurin:25-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app app
WORKDIR /app
# The jar extracted (app.jar and its lib/): the JVM maps cached classes from plain jars only.
COPY --from=build /src/extracted /app/jar
COPY routes /app/routes
ENV TZ=UTC ROUTES_DIR=/app/routes
# The AOT cache, as scripts/local/cds.sh makes it: the classes a start loads and links, and the
# methods' profiles, from a training start that reaches no service (closed ports; Flyway, the
# ClickHouse schema check and the stages off) and exits once its context has refreshed, with this
# image's JVM. A start then takes about a third of the time. If the training fails, the image has
# no cache and the app starts without. A fixed heap at training: a cache made with a heap over
# 32 GB (MaxRAMPercentage on a large build host) has no compressed pointers, and a container's JVM
# with a smaller heap could not use it.
RUN (SERVER_PORT=0 OUTBOX_RELAY_ENABLED=false TRANSFORMER_ENABLED=false SINK_MODE=off \
        SPRING_FLYWAY_ENABLED=false CLICKHOUSE_INIT_SCHEMA=false MYSQL_HOST=127.0.0.1 MYSQL_PORT=1 \
        CLICKHOUSE_HOST=127.0.0.1 CLICKHOUSE_HTTP_PORT=1 KAFKA_BROKERS=127.0.0.1:1 \
        timeout --foreground -k 15 180 java -Xmx768m -Duser.timezone=UTC -XX:AOTCacheOutput=/app/app.aot \
        --add-modules=jdk.jfr -Dspring.context.exit=onRefresh -jar /app/jar/app.jar \
        > /tmp/aot-training.log 2>&1 && test -s /app/app.aot) \
    || (echo "no AOT cache: the training start failed" && tail -n 40 /tmp/aot-training.log && rm -f /app/app.aot)
USER app
EXPOSE 8080
# The cache flags only when there is a cache (jdk.jfr: as at training, see scripts/local/cds.sh).
ENTRYPOINT ["sh", "-c", "exec java -XX:MaxRAMPercentage=75 -Duser.timezone=UTC $([ -f /app/app.aot ] && echo -XX:AOTCache=/app/app.aot --add-modules=jdk.jfr) -jar /app/jar/app.jar \"$@\"", "app"]
