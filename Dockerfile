# Multi-stage build of the app: Maven builds the jar, a JRE runs it.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY scripts/init-clickhouse.sql scripts/init-clickhouse.sql
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app app
WORKDIR /app
COPY --from=build /src/target/order-analytics-pipeline-*.jar /tmp/app.jar
COPY routes /app/routes
ENV TZ=UTC ROUTES_DIR=/app/routes
# Class data sharing, as scripts/local/cds.sh does: the jar extracted (/app/jar/app.jar and its
# lib/), and an archive of the classes a start loads, from a training start that reaches no
# service (closed ports; Flyway, the ClickHouse schema check and the stages off) and exits once
# its context has refreshed. A start then takes about half the time. Without the archive (the
# training failed) the JVM starts the app without one.
RUN java -Djarmode=tools -jar /tmp/app.jar extract --destination /app/jar && rm /tmp/app.jar \
    && (SERVER_PORT=0 OUTBOX_RELAY_ENABLED=false TRANSFORMER_ENABLED=false SINK_MODE=off \
        SPRING_FLYWAY_ENABLED=false CLICKHOUSE_INIT_SCHEMA=false MYSQL_HOST=127.0.0.1 MYSQL_PORT=1 \
        CLICKHOUSE_HOST=127.0.0.1 CLICKHOUSE_HTTP_PORT=1 KAFKA_BROKERS=127.0.0.1:1 \
        timeout 180 java -XX:MaxRAMPercentage=75 -Duser.timezone=UTC -XX:ArchiveClassesAtExit=/app/app.jsa \
        -Dspring.context.exit=onRefresh -jar /app/jar/app.jar > /tmp/cds-training.log 2>&1 \
        || (echo "no class archive: the training start failed" && tail -n 40 /tmp/cds-training.log && rm -f /app/app.jsa))
USER app
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Duser.timezone=UTC", "-XX:SharedArchiveFile=/app/app.jsa", "-jar", "/app/jar/app.jar"]
