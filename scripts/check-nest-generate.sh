#!/usr/bin/env bash
# Proves that `nest g module` and `nest g resource` drop files where the layout expects them
# (src/<name>/) and that the project still compiles with them; works on a throwaway copy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/src" "$root/package.json" "$root/nest-cli.json" "$root/tsconfig.json" "$work/"
ln -s "$root/node_modules" "$work/node_modules"
cd "$work"
npx --no-install nest g module probe-module >/dev/null
npx --no-install nest g resource probe-resource --type rest --crud >/dev/null
for f in src/probe-module/probe-module.module.ts src/probe-resource/probe-resource.module.ts \
         src/probe-resource/probe-resource.controller.ts src/probe-resource/probe-resource.service.ts; do
  [ -f "$f" ] || { echo "nest g did not create $f" >&2; exit 1; }
done
grep -q "ProbeModuleModule" src/app.module.ts || { echo "nest g module did not register the module in src/app.module.ts" >&2; exit 1; }
npx --no-install tsc -p tsconfig.json --noEmit --incremental false
echo "nest g module / nest g resource: files in src/<name>/, registered in AppModule, project compiles"
