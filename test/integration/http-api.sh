#!/usr/bin/env bash
# Vigil's HTTP API driven by curl, as a cron job or a shell script would call it.
#   http-api.sh open BASE_URL                      every Connect call, ping form and bad input, no auth
#   http-api.sh auth BASE_URL BOT_TOKEN ADMIN_TOKEN   bearer tokens: 401 without, admin-only methods
# Prints one "ok - …" / "not ok - …" line per check and "N passed, N failed"; exits 1 on any failure.
set -uo pipefail

mode=$1
base=$2
bot_token=${3:-}
admin_token=${4:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME WANT_STATUS BODY_REGEX CURL_ARGS… — WANT_STATUS is "code" or "code content-type".
check() {
  local name=$1 want=$2 re=$3
  shift 3
  local out status body
  if ! out=$(curl -sS --max-time 10 -o "$tmp/body" -w '%{http_code} %{content_type}' "$@" 2>&1); then
    echo "not ok - $name: curl failed: $out"
    fail=$((fail + 1))
    return
  fi
  body=$(tr -d '\0' <"$tmp/body")
  status=${out%% *}
  [[ $want == *" "* ]] && status=$out
  if [[ $status == "$want"* && $body =~ $re ]]; then
    echo "ok - $name"
    pass=$((pass + 1))
  else
    echo "not ok - $name: got $out: ${body:0:300}"
    fail=$((fail + 1))
  fi
}

# rpc SERVICE/METHOD JSON [CURL_ARGS…]: a Connect unary call in JSON.
rpc() {
  local method=$1 json=$2
  shift 2
  curl_args=(-X POST -H 'Content-Type: application/json' -d "$json" "$@" "$base/vigil.v1.$method")
}

if [[ $mode == open ]]; then
  rpc HeartbeatService/Beat '{"component":"worker","interval":"30s","grace":"60s","attributes":{"pod":"a"}}'
  check "Connect JSON Beat" "200 application/json" '"state":"COMPONENT_STATE_UP".*"deadline":"20' "${curl_args[@]}"
  rpc MetricsService/Record '{"points":[{"name":"bot.jobs","kind":"METRIC_KIND_COUNTER","value":2,"attributes":{"q":"a"}},{"name":"bot.bad","kind":"METRIC_KIND_UNSPECIFIED","value":1}]}'
  check "Connect JSON Record: one accepted, one rejected" 200 '"accepted":"1".*"rejected":\[\{"index":"1".*VIGIL_ERR_METRICS_INVALID_KIND' "${curl_args[@]}"
  rpc RouterService/Publish '{"topic":"orders.new","payload":"aGk=","priority":"PRIORITY_HIGH","ttl":"60s"}'
  check "Connect JSON Publish" 200 '"messageId":"[0-9a-f-]{36}","duplicate":false' "${curl_args[@]}"
  rpc HeartbeatService/ListComponents '{}'
  check "Connect JSON ListComponents" 200 '"name":"worker".*"interval":"30s","grace":"60s".*"attributes":\{"pod":"a"\}' "${curl_args[@]}"
  rpc AdminService/GetStatus '{}'
  check "Connect JSON GetStatus" 200 '"version":"test"' "${curl_args[@]}"
  rpc AlertService/ListAlerts '{}'
  check "Connect JSON ListAlerts" 200 '"alerts":\[' "${curl_args[@]}"
  # BeatRequest{component: "bin"} in the binary format: field 1, length 3.
  printf '\x0a\x03bin' >"$tmp/beat.bin"
  check "Connect binary (application/proto) Beat" "200 application/proto" '' \
    -X POST -H 'Content-Type: application/proto' --data-binary "@$tmp/beat.bin" "$base/vigil.v1.HeartbeatService/Beat"

  # Bad input: each a clear Connect error.
  rpc HeartbeatService/Beat '{"component":"no spaces allowed"}'
  check "a bad field: invalid_argument naming it" "400 application/json" \
    '^\{"code":"invalid_argument","message":"VIGIL_ERR_REQUEST_INVALID_FIELD: component: must match' "${curl_args[@]}"
  rpc HeartbeatService/Beat '{"component":"x","health":"HEALTH_SOMETIMES"}'
  check "an unknown enum name: invalid_argument" 400 '"code":"invalid_argument".*HEALTH_SOMETIMES' "${curl_args[@]}"
  rpc HeartbeatService/Beat '{"component":"x","interval":"soon"}'
  check "a bad Duration string: invalid_argument" 400 '"code":"invalid_argument"' "${curl_args[@]}"
  rpc HeartbeatService/Beat '{"component":"worker","compnent":"typo"}'
  check "an unknown JSON field: invalid_argument naming it" 400 '"code":"invalid_argument".*compnent' "${curl_args[@]}"
  rpc HeartbeatService/Beat '{"component":'
  check "malformed JSON: invalid_argument" 400 '"code":"invalid_argument","message":"cannot decode message vigil.v1.BeatRequest from JSON' "${curl_args[@]}"
  check "no Content-Type (curl -d's form encoding): 415" 415 '"code":"invalid_argument".*application/json' \
    -X POST -d '{"component":"x"}' "$base/vigil.v1.HeartbeatService/Beat"
  check "text/plain: 415" 415 'expected application/json' \
    -X POST -H 'Content-Type: text/plain' -d '{"component":"x"}' "$base/vigil.v1.HeartbeatService/Beat"
  # 4 MiB is the default server.grpc.max_message_bytes.
  { printf '{"topic":"t","payload":"'; head -c 4200000 /dev/zero | tr '\0' 'a'; printf '"}'; } >"$tmp/big.json"
  check "a body over server.grpc.max_message_bytes: 413" 413 '"code":"resource_exhausted","message":"VIGIL_ERR_REQUEST_TOO_LARGE' \
    -X POST -H 'Content-Type: application/json' --data-binary "@$tmp/big.json" "$base/vigil.v1.RouterService/Publish"
  check "an unknown RPC: 404 unimplemented" 404 '"code":"unimplemented","message":"no RPC vigil.v1.HeartbeatService/Nope' \
    -X POST -H 'Content-Type: application/json' -d '{}' "$base/vigil.v1.HeartbeatService/Nope"
  check "a streaming RPC: 404 unimplemented, use gRPC" 404 'streaming RPC' \
    -X POST -H 'Content-Type: application/json' -d '{}' "$base/vigil.v1.RouterService/Subscribe"
  check "GET of a Connect RPC: 405" 405 '"code":"unimplemented"' "$base/vigil.v1.HeartbeatService/Beat"
  check "an unknown path: 404" 404 'not found' "$base/metrics"

  # Pings, as healthchecks.io has them.
  check "GET /ping/<component>" "200 text/plain" '^UP$' "$base/ping/cron-backup"
  check "POST /ping/<component>" 200 '^UP$' -X POST "$base/ping/cron-backup"
  check "/ping/<c>/start with a run id, interval and grace" 200 '^UP$' "$base/ping/nightly/start?rid=run-1&interval=1h&grace=30m"
  check "/ping/<c>/success of that run" 200 '^UP$' "$base/ping/nightly/success?rid=run-1"
  check "/ping/<c>/start of a second run" 200 '^UP$' "$base/ping/nightly/start?rid=run-2"
  check "/ping/<c>/<exit code> 0 ends it as success" 200 '^UP$' "$base/ping/nightly/0?rid=run-2"
  check "/ping/<c>/fail with the POST body as message" 200 '^UP$' \
    --data-binary 'disk full on /backup' -H 'Content-Type: text/plain' "$base/ping/cron-report/fail"
  check "/ping/<c>/<exit code> 3" 200 '^UP$' "$base/ping/cron-exit/3"
  check "/ping/<c>/success" 200 '^UP$' "$base/ping/cron-ok/success"
  rpc HeartbeatService/ListComponents '{}'
  check "the pings registered their components with their messages" 200 \
    '"name":"cron-exit".*"health":"HEALTH_FAILING".*"message":"exit code 3".*"name":"cron-report".*"message":"disk full on /backup".*"name":"nightly","state":"COMPONENT_STATE_UP".*"interval":"3600s","grace":"1800s"' \
    "${curl_args[@]}"
  check "exit code 256: 400" "400 text/plain" 'VIGIL_ERR_REQUEST_INVALID_FIELD: exit_code: 256' "$base/ping/cron-exit/256"
  check "exit code -1: 400" 400 'exit_code: -1' "$base/ping/cron-exit/-1"
  check "an unknown ping action: 404" 404 'not start, success, fail or an exit code' "$base/ping/cron-exit/finish"
  check "a deeper ping path: 404" 404 'expected /ping/<component>' "$base/ping/a/b/c"
  check "a bad interval: 400" 400 'interval: expected a duration' "$base/ping/cron-exit?interval=often"
  check "a bad component name: 400" 400 'component: must match' "$base/ping/bad%20name"
  check "a bad run id: 400" 400 'run_id' "$base/ping/nightly/start?rid=has%20space"
  head -c 11000 /dev/zero | tr '\0' 'x' >"$tmp/ping-big"
  check "a ping body over 10 KiB: 413" 413 'VIGIL_ERR_REQUEST_TOO_LARGE' --data-binary "@$tmp/ping-big" "$base/ping/cron-report"
  check "DELETE /ping/<c>: 405" 405 'GET or POST' -X DELETE "$base/ping/cron-report"
elif [[ $mode == auth ]]; then
  rpc HeartbeatService/Beat '{"component":"worker"}'
  check "Connect without a token: 401 unauthenticated" "401 application/json" \
    '^\{"code":"unauthenticated","message":"VIGIL_ERR_AUTH_UNAUTHENTICATED: ' "${curl_args[@]}"
  rpc HeartbeatService/Beat '{"component":"worker"}' -H 'Authorization: Bearer wrong-wrong-wrong-wrong'
  check "Connect with a wrong token: 401 unauthenticated" 401 '"code":"unauthenticated".*not one this Vigil accepts' "${curl_args[@]}"
  rpc HeartbeatService/Beat '{"component":"worker"}' -H "Authorization: Bearer $bot_token"
  check "Connect with the token: 200" 200 '"state":"COMPONENT_STATE_UP"' "${curl_args[@]}"
  check "a ping without a token: 401" "401 text/plain" 'VIGIL_ERR_AUTH_UNAUTHENTICATED' "$base/ping/cron"
  check "a ping with the token: 200" 200 '^UP$' -H "Authorization: Bearer $bot_token" "$base/ping/cron"
  rpc AdminService/RunCleanup '{"dryRun":true}' -H "Authorization: Bearer $bot_token"
  check "an admin method with a non-admin token: 403 permission_denied" 403 \
    '"code":"permission_denied","message":"VIGIL_ERR_AUTH_NOT_ADMIN: RunCleanup' "${curl_args[@]}"
  rpc AdminService/RunCleanup '{"dryRun":true}' -H "Authorization: Bearer $admin_token"
  check "an admin method with the admin token: 200" 200 '"filesDeleted"' "${curl_args[@]}"
  rpc HeartbeatService/ListComponents '{}' -H "Authorization: Bearer $bot_token"
  check "ListComponents with the token sees both" 200 '"name":"cron".*"name":"worker"' "${curl_args[@]}"
else
  echo "usage: http-api.sh open|auth BASE_URL [BOT_TOKEN ADMIN_TOKEN]" >&2
  exit 2
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
