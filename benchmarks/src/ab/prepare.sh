#!/bin/sh
# Copies packages/result, packages/channels and packages/pipeline as of two git revisions into benchmarks/.ab/{before,after}
# (or the working tree for "worktree"), each with the A/B workloads beside it, for src/ab/ab.bench.ts.
# Usage: [AB_CONTROL=1] sh src/ab/prepare.sh <before-rev> [<after-rev>|worktree]   (from benchmarks/)
set -eu
root=$(git rev-parse --show-toplevel)
out="$root/benchmarks/.ab"
rm -rf "$out" && mkdir -p "$out/before" "$out/after"
git -C "$root" archive "$1" packages/result/src packages/channels/src packages/pipeline/src | tar -x -C "$out/before"
if [ "${2:-worktree}" = worktree ]; then
  (cd "$root" && tar -c packages/result/src packages/channels/src packages/pipeline/src) | tar -x -C "$out/after"
else
  git -C "$root" archive "$2" packages/result/src packages/channels/src packages/pipeline/src | tar -x -C "$out/after"
fi
for side in before after; do
  mv "$out/$side/packages/result" "$out/$side/packages/channels" "$out/$side/packages/pipeline" "$out/$side/" &&
    rmdir "$out/$side/packages"
  # channels and pipeline import @pipe/result (and pipeline @pipe/channels): point them at this side's copies
  find "$out/$side/channels/src" "$out/$side/pipeline/src" -name '*.ts' | while read -r f; do
    result=$(realpath --relative-to="$(dirname "$f")" "$out/$side/result/src/index.ts")
    channels=$(realpath --relative-to="$(dirname "$f")" "$out/$side/channels/src/index.ts")
    sed -i -e "s#from \"@pipe/result\"#from \"$result\"#" -e "s#from \"@pipe/channels\"#from \"$channels\"#" "$f"
  done
  sed -e 's#from "@pipe/channels"#from "./channels/src/index.ts"#' -e 's#from "@pipe/result"#from "./result/src/index.ts"#' \
    -e 's#from "@pipe/pipeline"#from "./pipeline/src/index.node.ts"#' \
    "$root/benchmarks/src/ab/workloads.template.ts" > "$out/$side/workloads.ts"
done
# AB_CONTROL=1: one more side, a copy of "before" (an A/A control: its ratio shows the noise of the run)
if [ "${AB_CONTROL:-0}" = 1 ]; then cp -r "$out/before" "$out/control"; fi
echo "prepared $out (before: $1, after: ${2:-worktree})"
