#!/bin/sh
# Gives every service in acls.txt its Kafka login and exactly its ACLs:
#   1. sets the SCRAM credential of the user named in the service's Secret
#      (parley-<service>-credentials, keys KAFKA_USERNAME and KAFKA_PASSWORD, mounted at
#      $CREDENTIALS_DIR/<service>/), unless CREATE_SCRAM_USERS=false (a provider that manages
#      SCRAM users itself, e.g. MSK through Secrets Manager);
#   2. grants that user, and the user of KAFKA_PREVIOUS_USERNAME while a rotation runs, the ACLs
#      acls.txt declares for the service;
#   3. removes every other ALLOW ACL those users hold, so that acls.txt is the whole truth;
#   4. deletes the user of KAFKA_RETIRED_USERNAME, once a rotation is done: its SCRAM credential
#      and every ACL it holds.
# Idempotent: a second run changes nothing. Secrets are never printed. Run by the Job
# parley-kafka-users (job.yaml); deploy-tests run it against a stand-in for the Kafka tools.
set -eu

ADMIN_CONFIG="${KAFKA_ADMIN_CONFIG:-/admin/client.properties}"
MECHANISM="${SCRAM_MECHANISM:-SCRAM-SHA-512}"
CREATE_SCRAM_USERS="${CREATE_SCRAM_USERS:-true}"
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"

. "$(dirname "$0")/logins.sh"
[ -n "${KAFKA_BOOTSTRAP:-}" ] || fail "KAFKA_BOOTSTRAP is not set (the ConfigMap parley-endpoints)"
[ -r "$ADMIN_CONFIG" ] || fail "no admin client configuration at $ADMIN_CONFIG (the Secret parley-kafka-admin, key client.properties)"

kafka() { # tool, arguments: one of Kafka's command-line tools, as the admin
  tool="$1"
  shift
  "$KAFKA_BIN/$tool" --bootstrap-server "$KAFKA_BOOTSTRAP" --command-config "$ADMIN_CONFIG" "$@"
}

lower() { echo "$1" | tr '[:upper:]' '[:lower:]'; }

# An ACL as "OPERATION RESOURCE PATTERN NAME HOST", in capitals without underscores, which is how
# both acls.txt (Write, DescribeConfigs) and kafka-acls.sh --list (WRITE, DESCRIBE_CONFIGS) compare.
key() { echo "$*" | awk '{ op = $1; gsub(/_/, "", op); print toupper(op), toupper($2), toupper($3), $4, ($5 == "" ? "*" : $5) }'; }

# The service's lines of acls.txt: OPERATION RESOURCE PATTERN NAME, as written.
declared() {
  awk -v service="$1" '$0 !~ /^[[:space:]]*(#|$)/ && $1 == service { print $2, $3, $4, $5 }' "$ACLS_FILE"
}

# The ALLOW ACLs a principal holds: OPERATION RESOURCE PATTERN NAME HOST, as kafka-acls.sh names them.
granted() {
  kafka kafka-acls.sh --list --principal "$1" | sed -n \
    -e 's/.*ResourcePattern(resourceType=\([A-Z_]*\), name=\(.*\), patternType=\([A-Z]*\)).*/R \1 \3 \2/p' \
    -e 's/.*(principal=\([^,]*\), host=\([^,]*\), operation=\([A-Z_]*\), permissionType=ALLOW).*/A \1 \2 \3/p' |
    awk -v principal="$1" '$1 == "R" { type = $2; pattern = $3; name = $4; next }
                           $1 == "A" && $2 == principal { print $4, type, pattern, name, $3 }' | sort -u
}

resource_option() { # RESOURCE NAME, as --list prints them -> the kafka-acls.sh options that name it
  case "$1" in
    TOPIC) echo "--topic $2" ;;
    GROUP) echo "--group $2" ;;
    CLUSTER) echo "--cluster" ;;
    TRANSACTIONAL_ID) echo "--transactional-id $2" ;;
    DELEGATION_TOKEN) echo "--delegation-token $2" ;;
    USER) echo "--user-principal $2" ;;
    *) return 1 ;;
  esac
}

pascal() { echo "$1" | awk '{ n = split(tolower($0), w, "_"); s = ""; for (i = 1; i <= n; i++) s = s toupper(substr(w[i], 1, 1)) substr(w[i], 2); print s }'; }

# Makes a principal hold exactly the ACLs given as lines of acls.txt without the service (none: it is retired).
sync_acls() { # service, principal, ACLs
  wanted_keys="$(printf '%s\n' "$3" | while read -r op resource pattern name; do
    [ -z "$op" ] || key "$op" "$resource" "$pattern" "$name"; done)"
  held="$(granted "$2")"
  held_keys="$(printf '%s\n' "$held" | while read -r op resource pattern name host; do
    [ -z "$op" ] || key "$op" "$resource" "$pattern" "$name" "$host"; done)"
  printf '%s\n' "$3" | while read -r op resource pattern name; do
    [ -n "$op" ] || continue
    printf '%s\n' "$held_keys" | grep -Fqx "$(key "$op" "$resource" "$pattern" "$name")" && continue
    kafka kafka-acls.sh --add --allow-principal "$2" --operation "$op" "--$(lower "$resource")" "$name" \
      --resource-pattern-type "$(lower "$pattern")" >/dev/null
    echo "kafka-users: $1: granted $2 $op on $resource $name ($pattern)"
  done
  printf '%s\n' "$held" | while read -r op resource pattern name host; do
    [ -n "$op" ] || continue
    printf '%s\n' "$wanted_keys" | grep -Fqx "$(key "$op" "$resource" "$pattern" "$name" "$host")" && continue
    if option="$(resource_option "$resource" "$name")"; then
      # $option unquoted on purpose: "--topic NAME" is two words (names have no spaces)
      kafka kafka-acls.sh --remove --force --allow-principal "$2" --allow-host "$host" --operation "$(pascal "$op")" \
        $option --resource-pattern-type "$(lower "$pattern")" >/dev/null
      echo "kafka-users: $1: removed $2 $op on $resource $name ($pattern, host $host), which acls.txt does not give it"
    else
      echo "kafka-users: $1: $2 holds $op on $resource $name, which acls.txt does not give it: remove it by hand" >&2
    fi
  done
}

services="$(awk '$0 !~ /^[[:space:]]*(#|$)/ { print $1 }' "$ACLS_FILE" | sort -u)"
[ -n "$services" ] || fail "$ACLS_FILE declares no ACL"
for service in $services; do
  secret="parley-$service-credentials"
  user="$(secret_value "$CREDENTIALS_DIR/$service" KAFKA_USERNAME "$secret")"
  password="$(secret_value "$CREDENTIALS_DIR/$service" KAFKA_PASSWORD "$secret")"
  [ "${#password}" -ge 16 ] || fail "KAFKA_PASSWORD of the Secret $secret is shorter than 16 characters"
  previous="$(secret_value "$CREDENTIALS_DIR/$service" KAFKA_PREVIOUS_USERNAME "$secret" optional)"
  retired="$(secret_value "$CREDENTIALS_DIR/$service" KAFKA_RETIRED_USERNAME "$secret" optional)"
  if [ "$CREATE_SCRAM_USERS" = true ]; then
    kafka kafka-configs.sh --alter --entity-type users --entity-name "$user" \
      --add-config "$MECHANISM=[iterations=8192,password=$password]" >/dev/null
    echo "kafka-users: $service: $MECHANISM credential of User:$user set"
  fi
  acls="$(declared "$service")"
  sync_acls "$service" "User:$user" "$acls"
  if [ -n "$previous" ]; then
    [ "$previous" != "$user" ] || fail "$service: KAFKA_PREVIOUS_USERNAME is KAFKA_USERNAME; remove it once the rotation is done"
    sync_acls "$service" "User:$previous" "$acls"
  fi
  if [ -n "$retired" ]; then
    [ "$retired" != "$user" ] && [ "$retired" != "$previous" ] ||
      fail "$service: KAFKA_RETIRED_USERNAME names a user still in use (KAFKA_USERNAME or KAFKA_PREVIOUS_USERNAME)"
    sync_acls "$service" "User:$retired" ""
    if [ "$CREATE_SCRAM_USERS" = true ]; then
      kafka kafka-configs.sh --alter --entity-type users --entity-name "$retired" --delete-config "$MECHANISM" >/dev/null 2>&1 ||
        echo "kafka-users: $service: User:$retired had no $MECHANISM credential left"
    fi
    echo "kafka-users: $service: User:$retired retired: it holds no ACL (and, where this Job sets credentials, has none)"
  fi
done
echo "kafka-users: done; ACLs are as $ACLS_FILE declares for: $(echo "$services" | tr '\n' ' ')"
