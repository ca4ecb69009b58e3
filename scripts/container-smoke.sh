#!/usr/bin/env bash
# The image's build and start without Docker (this machine cannot pull node:20-slim): in a temp
# folder, what each stage of the Dockerfile does, with the same commands and the same files.
#
#   1. context: the repository's files as git sees them (tracked and new, not ignored)
#   2. build:   the Dockerfile's build-stage COPYs, npm ci --ignore-scripts, npm rebuild
#               better-sqlite3, the Prisma clients, npm run build
#   3. deps:    package.json and the lockfile, npm ci --omit=dev --ignore-scripts, npm rebuild better-sqlite3
#   4. runtime: node_modules from deps, dist/ from build, the migrations; the knowledge base and
#               the data in folders of their own (the volumes); the app folder read-only
#   5. start:   node dist/main.js with NODE_ENV=production (Teams, fake credentials: nothing is
#               called at start), as user nobody when run as root; /healthz until 200, the
#               Dockerfile's HEALTHCHECK command, /metrics with its token, then SIGTERM and exit 0
#
# Takes 7-9 minutes on a busy 2-core machine, most of it compiling better-sqlite3 twice (no
# prebuilt binary can be downloaded here): too slow for every CI run; run it after changing the
# Dockerfile, the build or the dependencies.
#
# Not the same as Docker: the base image's Node and npm are this machine's, the user is nobody
# rather than node, and the .dockerignore is approximated by .gitignore (both leave out .env,
# data, dist, node_modules and the generated clients). Usage: scripts/container-smoke.sh [--keep]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keep=${1:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/helpdesk-container-smoke.XXXXXX")
chmod 755 "$work"
bot_pid=
cleanup() {
  if [ -n "$bot_pid" ]; then kill "$bot_pid" 2>/dev/null || true; fi
  if [ "$keep" = --keep ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - started))"; }
npm_quiet=(--no-audit --no-fund --loglevel=error)

# The sources each stage COPYs from the context (not --from another stage), read from the Dockerfile.
copies() {
  node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/\\\n/g, " ");
    let stage = "";
    for (const line of text.split("\n").map((l) => l.trim())) {
      const from = /^FROM\s+\S+\s+AS\s+(\w+)/i.exec(line);
      if (from) stage = from[1];
      else if (stage === process.argv[2] && /^COPY (?!--from)/.test(line)) {
        const parts = line.replace(/^COPY\s+(--chown=\S+\s+)?/, "").split(/\s+/);
        console.log(parts.slice(0, -1).map((s) => s + "\t" + parts.at(-1)).join("\n"));
      }
    }' "$root/Dockerfile" "$1"
}
# Copies a stage's sources from the context into its folder, to where the Dockerfile puts them.
copy_stage() {
  local stage=$1 dir=$2
  mkdir -p "$dir"
  while IFS=$'\t' read -r source target; do
    case $target in
      ./) cp -R "$context/$source" "$dir/" ;;
      /*) mkdir -p "$work/volumes$target"; cp -R "$context/$source/." "$work/volumes$target/" ;;
      *) mkdir -p "$dir/$(dirname "$target")"; cp -R "$context/$source" "$dir/$target" ;;
    esac
  done < <(copies "$stage")
}

step "context"
context=$work/context
mkdir -p "$context"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' | tar -cf - -T -) | tar -xf - -C "$context"
echo "$(find "$context" -type f | wc -l) files"

step "build stage: npm ci, native build, Prisma clients, npm run build"
copy_stage build "$work/build"
(cd "$work/build" && npm ci --ignore-scripts "${npm_quiet[@]}" && npm rebuild better-sqlite3 "${npm_quiet[@]}" >/dev/null && node scripts/generate-prisma-client.mjs >/dev/null && npm run build --silent)

step "deps stage: npm ci --omit=dev"
copy_stage deps "$work/deps"
(cd "$work/deps" && npm ci --omit=dev --ignore-scripts "${npm_quiet[@]}" && npm rebuild better-sqlite3 "${npm_quiet[@]}" >/dev/null)

step "runtime stage"
app=$work/app
copy_stage runtime "$app"
mv "$work/deps/node_modules" "$app/node_modules"
cp -R "$work/build/dist" "$app/dist"
mkdir -p "$work/volumes/data"
echo "node_modules $(du -sm "$app/node_modules" | cut -f1) MB, dist $(du -sm "$app/dist" | cut -f1) MB"
# The image's /app belongs to root: the bot cannot write there.
chmod -R a-w "$app"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R nobody "$work/volumes"
  # setpriv execs the bot itself (no session in between), so SIGTERM reaches node as in the image.
  run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

step "start: node dist/main.js"
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
token=container-smoke-metrics-token
(cd "$app" && exec "${run_as[@]}" env -i PATH="$PATH" HOME=/tmp NODE_ENV=production HOST=127.0.0.1 PORT="$port" \
  KB_DIR="$work/volumes/kb" DATA_DIR="$work/volumes/data" METRICS_TOKEN="$token" \
  MICROSOFT_APP_ID=00000000-0000-4000-8000-000000000001 MICROSOFT_APP_PASSWORD=container-smoke LOG_LEVEL=warn \
  node dist/main.js) >"$work/bot.out" 2>"$work/bot.err" &
bot_pid=$!
status=
for _ in $(seq 1 240); do
  status=$(node -e 'fetch(process.argv[1]).then((r) => console.log(r.status), () => console.log("down"))' "http://127.0.0.1:$port/healthz")
  [ "$status" = 200 ] && break
  kill -0 "$bot_pid" 2>/dev/null || break
  sleep 0.5
done
if [ "$status" != 200 ]; then
  echo "FAILED: /healthz answered $status"; cat "$work/bot.err"; exit 1
fi
echo "/healthz 200 after $((SECONDS - started))s in all"
# The Dockerfile's HEALTHCHECK command, as Docker runs it in the container.
healthcheck=$(grep -A1 '^HEALTHCHECK' "$root/Dockerfile" | tail -1 | sed -E 's/^ *CMD \["node", "-e", "(.*)"\]$/\1/')
(cd "$app" && PORT=$port node -e "$healthcheck") && echo "HEALTHCHECK command: exit 0"
metrics=$(node -e 'fetch(process.argv[1], { headers: { authorization: "Bearer " + process.argv[2] } }).then(async (r) => console.log(r.status, (await r.text()).includes("# TYPE helpdesk_turns_total counter")))' "http://127.0.0.1:$port/metrics" "$token")
[ "$metrics" = "200 true" ] || { echo "FAILED: /metrics gave $metrics"; exit 1; }
echo "/metrics with the token: 200, Prometheus text"
grep -q 'Helpdesk bot running: Teams' "$work/bot.err" || { echo "FAILED: no start-up line"; cat "$work/bot.err"; exit 1; }
kill -TERM "$bot_pid"
code=0
wait "$bot_pid" || code=$?
bot_pid=
[ "$code" = 0 ] || { echo "FAILED: exit code $code after SIGTERM"; cat "$work/bot.err"; exit 1; }
echo "SIGTERM: exit 0"
step "container smoke passed"
