#!/usr/bin/env bash
# Runs the platform with demo data: migrate, load the demo district (once), start the background worker and the
# web server. PORT, HOST and DATABASE_URL are honoured. Ctrl-C stops both processes.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}
export ZHENGXIE_ENV=${ZHENGXIE_ENV:-demo}
PY=.venv/bin/python

$PY manage.py migrate --noinput
$PY manage.py demo_district

$PY manage.py run_huey --quiet &
worker=$!
trap 'kill $worker 2>/dev/null || true; wait $worker 2>/dev/null || true' EXIT INT TERM

cat <<TXT

  Zhengxie demo is running:  http://$HOST:$PORT/
  Database: ${DATABASE_URL:-SQLite (var/zhengxie.sqlite3)}
  Accounts (password: zhengxie-demo):
    demo-admin        system administrator
    demo-office       proposal office
    demo-staff        secretariat
    demo-editor       opinion-report editor (信息员), of the secretariat
    demo-leader       leader
    demo-overseer     overseer
    demo-unit         staff of 新建区住房和城乡建设局
    demo-unit-leader  leader of 新建区住房和城乡建设局
    demo-unit2        staff of 新建区教育体育局
    demo-member       member and sector convener
    demo-member2      member
  Stop with Ctrl-C.

TXT
.venv/bin/gunicorn zhengxie.wsgi --bind "$HOST:$PORT" --workers 2 --access-logfile - --error-logfile - &
web=$!
trap 'kill $web $worker 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
wait $web
