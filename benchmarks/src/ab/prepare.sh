#!/bin/sh
# Copies packages/result and packages/channels as of two git revisions into benchmarks/.ab/{before,after}
# (or the working tree for "worktree"), each with the A/B workloads beside it, for src/ab/ab.bench.ts.
# Usage: sh src/ab/prepare.sh <before-rev> [<after-rev>|worktree]   (from benchmarks/)
set -eu
root=$(git rev-parse --show-toplevel)
out="$root/benchmarks/.ab"
rm -rf "$out" && mkdir -p "$out/before" "$out/after"
git -C "$root" archive "$1" packages/result/src packages/channels/src | tar -x -C "$out/before"
if [ "${2:-worktree}" = worktree ]; then
  (cd "$root" && tar -c packages/result/src packages/channels/src) | tar -x -C "$out/after"
else
  git -C "$root" archive "$2" packages/result/src packages/channels/src | tar -x -C "$out/after"
fi
for side in before after; do
  mv "$out/$side/packages/result" "$out/$side/packages/channels" "$out/$side/" && rmdir "$out/$side/packages"
  # channels imports @pipe/result: point it at this side's copy
  find "$out/$side/channels/src" -name '*.ts' | while read -r f; do
    rel=$(realpath --relative-to="$(dirname "$f")" "$out/$side/result/src/index.ts")
    sed -i "s#from \"@pipe/result\"#from \"$rel\"#" "$f"
  done
  sed -e 's#from "@pipe/channels"#from "./channels/src/index.ts"#' -e 's#from "@pipe/result"#from "./result/src/index.ts"#' \
    "$root/benchmarks/src/ab/workloads.template.ts" > "$out/$side/workloads.ts"
done
echo "prepared $out (before: $1, after: ${2:-worktree})"
