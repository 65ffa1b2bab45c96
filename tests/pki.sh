# Sourced by the TLS tests (tls.sh, control_tls.sh) in their temporary
# folder: the pass/fail counters and a CA made now with the openssl CLI.
#   ok; bad WHAT; q CMD... (setup: any failure ends the test)
#   cert NAME SAN   a key NAME.key and NAME.csr for that subjectAltName
#   sign NAME       NAME.pem from NAME.csr, signed by the CA (2 days)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
q() { "$@" >/dev/null 2>&1 || { echo "setup failed: $*" >&2; exit 1; }; }
q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
    -days 2 -subj "/CN=opswall test CA"
cert() {
    q openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" \
        -subj "/CN=$1" -addext "subjectAltName=$2"
}
sign() {
    q openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key \
        -CAcreateserial -days 2 -copy_extensions copy -out "$1.pem"
}
