#!/usr/bin/env bash
# A private MariaDB instance (Debian's package) standing in for MySQL: data and log in .local/mariadb.
# Usage: mariadb.sh start|stop|status
SERVICE=mariadb
source "$(dirname "$0")/lib.sh"

DIR=$LOCAL_DIR/mariadb
PIDFILE=$DIR/mariadbd.pid
LOG=$DIR/mariadbd.log
SOCKET=$DIR/mysqld.sock
# A unix socket path may not exceed 107 bytes.
[ ${#SOCKET} -lt 100 ] || SOCKET=/tmp/orderpipeline-$(echo "$DIR" | md5sum | cut -c1-8).sock

# The OS user administers the instance over the socket (unix_socket auth), so no password is needed
# here. The client obeys MYSQL_HOST from the environment over --socket, hence env -u.
admin_sql() { env -u MYSQL_HOST -u MYSQL_TCP_PORT mariadb --no-defaults --protocol=socket --socket="$SOCKET" -u"$(id -un)" "$@"; }

start() {
  ensure_packages mariadb-server mariadb-client
  if pid_alive "$PIDFILE"; then
    status_line "$PIDFILE" "port $MYSQL_PORT"; return 0
  fi
  fail_if_port_taken "$MYSQL_PORT"
  mkdir -p "$DIR"
  if [ ! -d "$DIR/data/mysql" ]; then
    say "initialising data directory $DIR/data"
    mariadb-install-db --no-defaults --datadir="$DIR/data" --auth-root-authentication-method=socket \
      --auth-root-socket-user="$(id -un)" \
      --skip-test-db >"$DIR/install.log" 2>&1 || die "mariadb-install-db failed; read $DIR/install.log"
  fi
  # Everything in UTC; utf8mb4 throughout; no DNS look-ups for clients.
  nohup mariadbd --no-defaults --datadir="$DIR/data" --port="$MYSQL_PORT" --bind-address=127.0.0.1 \
    --socket="$SOCKET" --pid-file="$DIR/mariadbd.server.pid" --user="$(id -un)" \
    --log-error="$LOG" --skip-name-resolve --default-time-zone=+00:00 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-connections=500 --innodb-buffer-pool-size=512M --innodb-log-file-size=256M \
    --innodb-flush-log-at-trx-commit=1 >>"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  wait_until "$START_TIMEOUT_SECONDS" "$LOG" "MariaDB on port $MYSQL_PORT" admin_sql -e "SELECT 1"
  # Idempotent: the database, the app's user and a password-protected root over TCP for the shells.
  admin_sql <<SQL || die "creating the database and users failed; read $LOG"
CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'%' IDENTIFIED BY '$MYSQL_PASSWORD';
ALTER USER '$MYSQL_USER'@'%' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON \`$MYSQL_DATABASE\`.* TO '$MYSQL_USER'@'%';
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$MYSQL_ROOT_PASSWORD';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$MYSQL_ROOT_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  say "ready on 127.0.0.1:$MYSQL_PORT (database $MYSQL_DATABASE, user $MYSQL_USER), log $LOG"
}

case "${1:-}" in
  start) start ;;
  stop) stop_by_pidfile "$PIDFILE" 60 ;;
  status) status_line "$PIDFILE" "port $MYSQL_PORT, log $LOG" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
