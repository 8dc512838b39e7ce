#!/bin/sh
# Gives every service in acls.txt its Redis ACL user, exactly as declared: for each one
#   ACL SETUSER <REDIS_USERNAME> reset on ><REDIS_PASSWORD> [><REDIS_PREVIOUS_PASSWORD>] <rules>
# with the username and passwords from the service's Secret (parley-<service>-credentials,
# mounted at $CREDENTIALS_DIR/<service>/) and the rules from acls.txt. "reset" drops whatever the
# user could do before, and the command applies as a whole, so the user is never half set up;
# connections already logged in stay open. Idempotent. Secrets are never printed (redis-cli gets
# the admin's password from REDISCLI_AUTH). Run by the Job parley-redis-users (job.yaml);
# deploy-tests run it against a stand-in for redis-cli.
set -eu

ADMIN_DIR="${REDIS_ADMIN_DIR:-/admin}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"

. "$(dirname "$0")/logins.sh"
[ -n "${REDIS_HOST:-}" ] || fail "REDIS_HOST is not set (the ConfigMap parley-endpoints)"

admin_user="$(secret_value "$ADMIN_DIR" REDIS_USERNAME parley-redis-admin)"
REDISCLI_AUTH="$(secret_value "$ADMIN_DIR" REDIS_PASSWORD parley-redis-admin)"
export REDISCLI_AUTH
tls=""
if [ "${SPRING_DATA_REDIS_SSL_ENABLED:-false}" = true ]; then
  tls="--tls"
fi

redis() { # $tls unquoted on purpose: no word when TLS is off
  "$REDIS_CLI" -h "$REDIS_HOST" -p "${REDIS_PORT:-6379}" --user "$admin_user" --no-auth-warning $tls "$@"
}

users=0
while read -r service rules; do
  case "$service" in '' | '#'*) continue ;; esac
  secret="parley-$service-credentials"
  user="$(secret_value "$CREDENTIALS_DIR/$service" REDIS_USERNAME "$secret")"
  password="$(secret_value "$CREDENTIALS_DIR/$service" REDIS_PASSWORD "$secret")"
  [ "${#password}" -ge 16 ] || fail "REDIS_PASSWORD of the Secret $secret is shorter than 16 characters"
  previous="$(secret_value "$CREDENTIALS_DIR/$service" REDIS_PREVIOUS_PASSWORD "$secret" optional)"
  # $rules unquoted on purpose: one argument per rule
  if [ -n "$previous" ]; then
    answer="$(redis ACL SETUSER "$user" reset on ">$password" ">$previous" $rules 2>&1)" || true
  else
    answer="$(redis ACL SETUSER "$user" reset on ">$password" $rules 2>&1)" || true
  fi
  [ "$answer" = OK ] || fail "$service: ACL SETUSER $user answered: $(echo "$answer" | sed 's/>[^ ]*/>(hidden)/g')"
  echo "redis-users: $service: user $user set: $rules${previous:+ (and its previous password, while the rotation runs)}"
  users=$((users + 1))
done <"$ACLS_FILE"
[ "$users" -gt 0 ] || fail "$ACLS_FILE declares no user"

# Where Redis keeps its users in an ACL file, write them there too; otherwise they live until a restart
# (a managed Redis keeps them itself).
saved="$(redis ACL SAVE 2>&1)" || true
case "$saved" in
  OK) echo "redis-users: saved to the server's ACL file" ;;
  *) echo "redis-users: not saved to an ACL file ($saved): run this Job again after a Redis restart" ;;
esac
