#!/bin/sh
# A stand-in for Kafka's kafka-configs.sh, for KafkaAclsTest: records "user mechanism password" of
# each SCRAM credential set, and "user mechanism deleted" of each one deleted, in $STAND_IN_STATE.scram
# (the test checks it, and that the script's own output never shows the password).
set -eu
user="" config="" deleted=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-server | --command-config | --entity-type) shift ;;
    --alter) ;;
    --entity-name) user="$2"; shift ;;
    --add-config) config="$2"; shift ;;
    --delete-config) deleted="$2"; shift ;;
    *) echo "stand-in kafka-configs.sh: unexpected argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$deleted" ]; then
  echo "$user $deleted deleted" >>"$STAND_IN_STATE.scram"
  exit 0
fi
mechanism="${config%%=*}"
password="$(echo "$config" | sed -n 's/.*password=\([^],]*\).*/\1/p')"
echo "$user $mechanism $password" >>"$STAND_IN_STATE.scram"
echo "Completed updating config for user $user."
