# What kafka-users.sh and redis-users.sh share (they source this file from their own folder):
# where their Job mounts the ACL list and each service's Secret (one file per key), and reading
# those Secrets. Values are checked and never printed.

ACLS_FILE="${ACLS_FILE:-/config/acls.txt}"
CREDENTIALS_DIR="${CREDENTIALS_DIR:-/credentials}"

fail() { echo "${0##*/}: $*" >&2; exit 1; }
[ -r "$ACLS_FILE" ] || fail "no ACL list at $ACLS_FILE"

# A Secret's value; fails naming the Secret and the key, never showing the value. Letters, digits
# and . _ ~ - only: the values go into a JAAS line, a kafka-configs.sh argument and ACL rules.
secret_value() { # folder, key, Secret name, "optional"
  if [ ! -s "$1/$2" ]; then
    [ "${4:-}" = optional ] && return 0
    fail "no $2 in the Secret $3"
  fi
  value="$(cat "$1/$2")"
  case "$value" in
    *[!A-Za-z0-9._~-]*) fail "$2 of the Secret $3 has a character other than letters, digits and . _ ~ - (the value is not shown)" ;;
  esac
  printf '%s' "$value"
}
