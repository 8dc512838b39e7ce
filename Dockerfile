# syntax=docker/dockerfile:1.7
# One image recipe for all six services; the module is a build argument:
#   docker build --build-arg MODULE=message-service -t parley/message-service .
# Stage 1 builds the module's Boot jar with the Maven wrapper (the Maven repository is a
# BuildKit cache, so a second service builds without downloading again).
# Stage 2 splits the jar into Boot's layers (jarmode tools, the Boot 4 way) so that a code
# change only replaces the small "application" layer.
# Stage 3 is a JRE, a non-root user and the layers, dependencies first.

ARG JAVA_VERSION=17

FROM eclipse-temurin:${JAVA_VERSION}-jdk AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    test -n "${MODULE}" || { echo "set --build-arg MODULE=<service directory>"; exit 1; } && \
    ./mvnw -B -q -DskipTests -pl "${MODULE}" -am package && \
    cp "${MODULE}"/target/"${MODULE}"-*.jar /application.jar

FROM eclipse-temurin:${JAVA_VERSION}-jre AS layers
WORKDIR /layers
COPY --from=build /application.jar application.jar
RUN java -Djarmode=tools -jar application.jar extract --layers --destination extracted

FROM eclipse-temurin:${JAVA_VERSION}-jre
ARG MODULE
# A fixed numeric uid/gid so that Kubernetes' runAsNonRoot can verify it without a name lookup.
# curl for the compose health checks (Kubernetes probes over HTTP do not need it).
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* && \
    groupadd --system --gid 10001 parley && \
    useradd --system --uid 10001 --gid parley --no-create-home --shell /usr/sbin/nologin parley
WORKDIR /application
# Least often changed first: each COPY is its own image layer.
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
USER 10001:10001
# Heap sized from the container's memory limit, not the node's: 75% leaves room for
# metaspace, thread stacks and Netty's direct buffers. Exit on OOM so that the orchestrator
# restarts a clean JVM instead of keeping a half-broken one.
# Logs are JSON lines in Elastic Common Schema (Spring Boot's structured logging) wherever the
# image runs, for the cluster's log collector; ./run, which starts the jars, keeps the
# human-readable lines. No banner either: it is not a JSON line.
ENV SERVICE=${MODULE} \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError" \
    LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs \
    SPRING_MAIN_BANNER_MODE=off
# Documentation only: each service reads PORT (8080-8085, see README).
EXPOSE 8080 8081 8082 8083 8084 8085
ENTRYPOINT ["java", "-jar", "application.jar"]
