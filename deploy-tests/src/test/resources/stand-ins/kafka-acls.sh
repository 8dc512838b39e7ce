#!/bin/sh
# A stand-in for Kafka's kafka-acls.sh, for KafkaAclsTest: the ACLs live in $STAND_IN_STATE, one a
# line (principal|host|OPERATION|RESOURCE|name|PATTERN); --list --principal prints them as Kafka's
# AclCommand does; operations are taken only in the names Kafka's SecurityUtils.operation accepts.
set -eu
state="$STAND_IN_STATE"
touch "$state"
mode="" principal="" host="*" op="" resource="" name="" pattern=LITERAL listed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-server | --command-config) shift ;;
    --add) mode=add ;;
    --remove) mode=remove ;;
    --list) mode=list ;;
    --force) ;;
    --allow-principal) principal="$2"; shift ;;
    --principal) listed="$2"; shift ;;
    --allow-host) host="$2"; shift ;;
    --operation)
      case "$2" in
        Read | Write | Create | Delete | Alter | Describe | ClusterAction | DescribeConfigs | AlterConfigs | IdempotentWrite | All)
          op="$(echo "$2" | sed 's/\([a-z]\)\([A-Z]\)/\1_\2/g' | tr '[:lower:]' '[:upper:]')" ;;
        *) echo "Error while executing ACL command: unknown operation $2"; exit 1 ;;
      esac
      shift ;;
    --topic) resource=TOPIC; name="$2"; shift ;;
    --group) resource=GROUP; name="$2"; shift ;;
    --cluster) resource=CLUSTER; name=kafka-cluster ;;
    --resource-pattern-type) pattern="$(echo "$2" | tr '[:lower:]' '[:upper:]')"; shift ;;
    *) echo "stand-in kafka-acls.sh: unexpected argument $1" >&2; exit 2 ;;
  esac
  shift
done
echo "$mode ${principal:-$listed} $op $resource $name $pattern $host" >>"$state.calls"
entry="$principal|$host|$op|$resource|$name|$pattern"
case "$mode" in
  add) grep -Fqx "$entry" "$state" || echo "$entry" >>"$state" ;;
  remove) { grep -Fvx "$entry" "$state" || true; } >"$state.next"; mv "$state.next" "$state" ;;
  list)
    echo "ACLs for principal \`$listed\`"
    awk -F'|' -v p="$listed" '$1 == p { print $4 "|" $5 "|" $6 }' "$state" | sort -u | while IFS='|' read -r r n t; do
      printf 'Current ACLs for resource `ResourcePattern(resourceType=%s, name=%s, patternType=%s)`:\n' "$r" "$n" "$t"
      awk -F'|' -v p="$listed" -v r="$r" -v n="$n" -v t="$t" '$1 == p && $4 == r && $5 == n && $6 == t {
        printf "\t(principal=%s, host=%s, operation=%s, permissionType=ALLOW)\n", $1, $2, $3 }' "$state"
      echo
    done ;;
  *) echo "stand-in kafka-acls.sh: no --add, --remove or --list" >&2; exit 2 ;;
esac
