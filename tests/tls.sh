#!/usr/bin/env bash
# TLS: certificates made now with the openssl CLI; opswall-feedsim serves
# HTTPS on 127.0.0.1 with each; the wall must accept only the right one.
#   good       signed by our CA, SAN IP:127.0.0.1, ca_file given  -> ok
#   noca       same server, no ca_file (system CAs)             -> refused
#   wronghost  signed by our CA for wrong.example only            -> refused
#   expired    signed by our CA, valid in January 2024 only       -> refused
#   h2         nginx with the good certificate                   -> ok over HTTP/2
# Usage: tls.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# shellcheck source=pki.sh
. "$here/pki.sh"
cert good "IP:127.0.0.1,DNS:localhost" && sign good
cert wronghost "DNS:wrong.example" && sign wronghost
cert expired "IP:127.0.0.1"
printf '' >index.txt
echo 1000 >serial
cat >ca.cnf <<'CNF'
[ ca ]
default_ca = d
[ d ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
copy_extensions = copy
[ p ]
commonName = supplied
CNF
q openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
    -in expired.csr -out expired.pem -notext \
    -startdate 20240101000000Z -enddate 20240201000000Z

port=8660
for name in good wronghost expired; do
    port=$((port + 1))
    "$build/opswall-feedsim" --port $port --tls-cert $name.pem \
        --tls-key $name.key >"$name.log" 2>&1 &
    pids+=($!)
    eval "port_$name=$port"
done
sleep 0.7

# HTTP/2: nginx (our own instance and config, loopback only) with TLS and
# ALPN; libcurl must negotiate h2, and the engine says so in its log.
mkdir -p www tmpd
echo '{"value": 7.85}' >www/h2.json
port_h2=8669
ngx_user=""
[ "$(id -u)" = 0 ] && ngx_user="user root;"
cat >nginx.conf <<NGX
$ngx_user
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events {}
http {
    access_log off;
    client_body_temp_path $tmp/tmpd/body;
    proxy_temp_path $tmp/tmpd/proxy;
    fastcgi_temp_path $tmp/tmpd/fastcgi;
    uwsgi_temp_path $tmp/tmpd/uwsgi;
    scgi_temp_path $tmp/tmpd/scgi;
    server {
        listen 127.0.0.1:$port_h2 ssl http2;
        ssl_certificate $tmp/good.pem;
        ssl_certificate_key $tmp/good.key;
        root $tmp/www;
        default_type application/json;
    }
}
NGX
if command -v nginx >/dev/null; then
    nginx -c "$tmp/nginx.conf" -g 'daemon off;' >/dev/null 2>&1 &
    pids+=($!)
    sleep 0.5
else
    bad "nginx is not installed (tools/setup.sh test installs nginx-light)"
fi

cat >tls.json <<JSON
{"opswall": 1,
 "wall": {"columns": 1, "rows": 1, "width": 640, "height": 360},
 "grid": {"columns": 1, "rows": 1},
 "sources": {
  "good": {"url": "https://127.0.0.1:$port_good/api/national",
           "ca_file": "ca.pem", "timeout": "5s"},
  "noca": {"url": "https://127.0.0.1:$port_good/api/national",
           "timeout": "5s"},
  "wronghost": {"url": "https://127.0.0.1:$port_wronghost/api/national",
                "ca_file": "ca.pem", "timeout": "5s"},
  "expired": {"url": "https://127.0.0.1:$port_expired/api/national",
              "ca_file": "ca.pem", "timeout": "5s"},
  "h2": {"url": "https://127.0.0.1:$port_h2/h2.json",
         "ca_file": "ca.pem", "timeout": "5s"}},
 "scenes": [{"id": "s", "widgets": [
  {"id": "h", "type": "health", "cell": [0, 0, 1, 1]}]}]}
JSON
"$build/opswall" render tls.json -o tls.png --at 2026-11-22T09:00:00+07:00 \
    >out.log 2>&1
grep -q 'source "good": start -> ok' out.log && ok || bad "good certificate refused"
grep -q 'source "h2": start -> ok (HTTP/2)' out.log && ok || bad "HTTP/2 not negotiated with nginx"
grep -qE 'source "noca": start -> error: .*(certificate|issuer)' out.log && ok \
    || bad "unknown CA accepted"
grep -qE 'source "wronghost": start -> error: .*(subject|name|host)' out.log && ok \
    || bad "certificate for another host accepted"
grep -qE 'source "expired": start -> error: .*(expired|certificate)' out.log && ok \
    || bad "expired certificate accepted"
grep -E "source \"" out.log | sed "s/^/  /"
[ $fail = 0 ] || cat out.log >&2
echo "$pass passed, $fail failed"
[ $fail = 0 ]
