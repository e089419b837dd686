#!/usr/bin/env sh
# Writes the secrets compose.yaml mounts, once: ./secrets/ with a random database password, the
# matching TRACKTWO_DATABASE_URL, a secret key and a raw 64-hex-digit master key (mode 0600).
# Keep a copy of TRACKTWO_MASTER_KEY apart from the database backups: without it no workshop
# can be read, and with it plus a backup every workshop can.
set -eu
cd "$(dirname "$0")/.."
umask 077
mkdir -p secrets
new() { python3 -c "import secrets, sys; print(secrets.token_hex(int(sys.argv[1])))" "$1"; }
if [ -e secrets/postgres_password ]; then
  echo "secrets/ already holds secrets: nothing written" >&2
  exit 1
fi
password=$(new 24)
printf '%s\n' "$password" >secrets/postgres_password
printf 'postgresql://tracktwo:%s@db:5432/tracktwo\n' "$password" >secrets/TRACKTWO_DATABASE_URL
printf '%s\n' "$(new 32)" >secrets/TRACKTWO_SECRET_KEY
printf '%s\n' "$(new 32)" >secrets/TRACKTWO_MASTER_KEY
echo "Wrote secrets/: postgres_password, TRACKTWO_DATABASE_URL, TRACKTWO_SECRET_KEY, TRACKTWO_MASTER_KEY"
