#!/bin/sh
# Creates the chat topics with the partitions and retention of docs/protocol.md. Idempotent
# (--if-not-exists); the services also declare them, but creating them here first means a
# service never races another over the settings. Used by docker-compose (kafka-init) and by
# the Kubernetes local overlay (the kafka-topics Job).
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
PARTITIONS="${TOPIC_PARTITIONS:-4}"
REPLICAS="${TOPIC_REPLICAS:-1}"
KT="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"

create() { # name retention-ms
  "$KT" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$1" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICAS" \
    --config retention.ms="$2" --config cleanup.policy=delete
}
create chat.messages.v1      604800000   # 7 days: history lives in Mongo
create chat.conversations.v1 604800000   # 7 days
create chat.presence.v1      3600000     # 1 hour: presence is soft state
create chat.sessions.v1      3600000     # 1 hour: ended logins, only for closing live sockets
"$KT" --bootstrap-server "$BOOTSTRAP" --describe --topic 'chat\..*'
