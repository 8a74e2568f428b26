#!/bin/sh
# Starts PgBouncer in front of one PostgreSQL server (compose.yaml's pgbouncer and
# pgbouncer2), in any image with the pgbouncer binary on its PATH.
#
#   SERVER_HOST, SERVER_PORT  the PostgreSQL server (db:5432)
#   LISTEN_ADDR, LISTEN_PORT  where PgBouncer listens (every address, 6432)
#   AUTH_USER                 the server's superuser, which looks up every other role's
#                             password (auth_query): the stack's POSTGRES_USER, samtale
#   POSTGRES_PASSWORD         its password: the only entry of the userlist
#   TLS_DIR                   the stack's certificates (ca.crt, server.crt, server.key):
#                             clients must speak TLS to it, and it checks the server's
#                             certificate and name (verify-full) against ca.crt
#
# Written into /tmp at each start, so the password is never in a file of the repository, and
# the settings every PgBouncer shares are read from containers/pgbouncer.ini.
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
: "${SERVER_HOST:?SERVER_HOST must be set}"
dir=/tmp/pgbouncer
mkdir -p "$dir"
umask 077
user="${AUTH_USER:-samtale}"
# The userlist's format: each name and password in double quotes, a quote inside doubled.
quoted() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
printf '%s %s\n' "$(quoted "$user")" "$(quoted "$POSTGRES_PASSWORD")" > "$dir/userlist.txt"
cat > "$dir/pgbouncer.ini" <<INI
[databases]
; Every database of the server, each (database, role) pair a pool of its own.
* = host=${SERVER_HOST} port=${SERVER_PORT:-5432}

%include ${PGBOUNCER_SETTINGS:-/etc/samtale/pgbouncer.ini}
; This PgBouncer's own, after the shared settings (which begin the [pgbouncer] section).
listen_addr = ${LISTEN_ADDR:-*}
listen_port = ${LISTEN_PORT:-6432}
auth_file = $dir/userlist.txt
auth_user = $user
admin_users = $user
; TLS both ways: a client in clear is refused; the server's certificate and name checked.
client_tls_sslmode = require
client_tls_cert_file = ${TLS_DIR:-/tls}/server.crt
client_tls_key_file = $dir/server.key
server_tls_sslmode = verify-full
server_tls_ca_file = ${TLS_DIR:-/tls}/ca.crt
INI
# A key of its own, readable by this user alone.
cp "${TLS_DIR:-/tls}/server.key" "$dir/server.key"
chmod 600 "$dir/server.key"
exec pgbouncer "$dir/pgbouncer.ini"
