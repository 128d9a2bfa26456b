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
COPY --from=build /src/target/order-analytics-pipeline-*.jar /app/app.jar
COPY routes /app/routes
ENV TZ=UTC ROUTES_DIR=/app/routes
USER app
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Duser.timezone=UTC", "-jar", "/app/app.jar"]
