#!/usr/bin/env bash
# The control API over HTTPS (issue 18): a CA and certificates made now
# with the openssl CLI, the wall on 127.0.0.1 only.
#   curl trusting our CA                         -> 200
#   an untrusted CA, a wrong host name           -> refused by curl
#   plain HTTP to the TLS port, TLS 1.1          -> fail cleanly, the wall lives
#   SIGHUP after the certificate is renewed      -> the new one is served
#   SIGHUP with a key that does not match        -> the renewed one stays
#   another address without TLS                  -> refused at start, said why
# Usage: control_tls.sh BUILD_DIR SOURCE_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
wall=""
trap '[ -n "$wall" ] && kill "$wall" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"
# shellcheck source=pki.sh
. "$here/pki.sh"
q openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key \
    -out other-ca.pem -days 2 -subj "/CN=someone else's CA"
cert wall "IP:127.0.0.1,DNS:localhost" && sign wall
cert renewed "IP:127.0.0.1,DNS:localhost" && sign renewed
cert stray "IP:127.0.0.1" && sign stray
serial() { openssl x509 -in "$1" -noout -serial; }
served() {
    openssl s_client -connect "127.0.0.1:$port" -servername localhost \
        </dev/null 2>/dev/null | openssl x509 -noout -serial 2>/dev/null
}

token=tls-test-token-0123456789ab
echo "admin $token" >tokens
chmod 600 tokens
port=$((26000 + $$ % 2000))
cp wall.pem cur.pem
cp wall.key cur.key
env -u OPSWALL_CONTROL_TOKEN OPSWALL_DATADIR="$src" "$build/opswall" run \
    "$src/tests/layouts/good/briefing.json" --offscreen --scale 0.25 \
    --control "127.0.0.1:$port" --control-token-file tokens \
    --control-tls-cert cur.pem --control-tls-key cur.key 2>wall.log &
wall=$!
auth=(-H "Authorization: Bearer $token")
up=""
for _ in $(seq 1 100); do
    if curl -s --cacert ca.pem "https://127.0.0.1:$port/healthz" >/dev/null
    then up=1; break; fi
    sleep 0.1
done
[ -n "$up" ] && ok || bad "the wall does not answer over HTTPS"
grep -q "control API on https://127.0.0.1:$port/" wall.log && ok ||
    bad "the log does not say https"

code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "${auth[@]}" \
    "https://127.0.0.1:$port/api/state")
[ "$code" = 200 ] && ok || bad "curl verifying our CA: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "${auth[@]}" \
    "https://localhost:$port/api/state")
[ "$code" = 200 ] && ok || bad "by the host name in the certificate: $code"
curl -s -o /dev/null --cacert other-ca.pem "https://127.0.0.1:$port/healthz"
rc=$?
[ "$rc" = 60 ] && ok || bad "an untrusted CA: curl exit $rc, want 60"
curl -s -o /dev/null --cacert ca.pem \
    --resolve "wrong.example:$port:127.0.0.1" "https://wrong.example:$port/healthz"
rc=$?
[ "$rc" = 60 ] || [ "$rc" = 51 ] && ok || bad "a wrong host name: curl exit $rc"
curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port/healthz"
rc=$?
[ "$rc" != 0 ] && ok || bad "plain HTTP to the TLS port answered"
curl -s -o /dev/null --max-time 5 --cacert ca.pem --tlsv1.1 --tls-max 1.1 \
    "https://127.0.0.1:$port/healthz"
rc=$?
[ "$rc" != 0 ] && ok || bad "TLS 1.1 was accepted"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem \
    "https://127.0.0.1:$port/healthz")
[ "$code" = 200 ] && ok || bad "the wall after the bad clients: $code"

# A renewal: the new certificate and key in place, SIGHUP.
[ "$(served)" = "$(serial wall.pem)" ] && ok || bad "the first certificate"
cp renewed.pem cur.pem
cp renewed.key cur.key
kill -HUP "$wall"
for _ in $(seq 1 50); do
    [ "$(served)" = "$(serial renewed.pem)" ] && break
    sleep 0.1
done
[ "$(served)" = "$(serial renewed.pem)" ] && ok ||
    bad "after SIGHUP the renewed certificate is not served"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "${auth[@]}" \
    "https://127.0.0.1:$port/api/state")
[ "$code" = 200 ] && ok || bad "requests after the renewal: $code"
# A certificate with someone else's key: refused, the renewed one stays.
cp stray.pem cur.pem
cp wall.key cur.key
kill -HUP "$wall"
sleep 1
[ "$(served)" = "$(serial renewed.pem)" ] && ok ||
    bad "a mismatched key replaced the certificate"
grep -q "keeping the current ones" wall.log && ok ||
    bad "the refused renewal is not in the log"
kill -0 "$wall" 2>/dev/null && ok || bad "the wall died"
kill -TERM "$wall"
wait "$wall"
rc=$?
wall=""
[ "$rc" = 0 ] && ok || bad "the wall's exit status $rc"

# Not loopback, no certificate: refused before listening.  192.0.2.1
# (TEST-NET-1) is no address of this machine, so nothing is bound here
# even if the check were missing (then the error would differ).
env -u OPSWALL_CONTROL_TOKEN OPSWALL_DATADIR="$src" "$build/opswall" run \
    "$src/tests/layouts/good/briefing.json" --offscreen --scale 0.25 \
    --duration 1s --control "192.0.2.1:$port" --control-token-file tokens \
    2>plain.log
rc=$?
[ "$rc" != 0 ] && grep -q "in the clear" plain.log && ok ||
    bad "a plain non-loopback API was not refused (exit $rc): $(cat plain.log)"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
