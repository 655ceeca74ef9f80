#!/bin/bash
# Exits 0 when every CSV and chart of report folder WHOLE is byte-identical in MERGED, and
# names each one that is not: how the deployment tests hold a merged report against the
# unsharded one.
#
#   deploy/same-report.sh WHOLE MERGED
set -euo pipefail

whole=$1
merged=$2
status=0
count=0
for file in "$whole"/*.csv "$whole"/*.svg "$whole"/*.png; do
    name=$(basename "$file")
    count=$((count + 1))
    if ! cmp -s "$file" "$merged/$name"; then
        echo "DIFFERS: $name"
        status=1
    fi
done
if [[ $status == 0 ]]; then
    echo "all $count CSVs and charts of $merged are byte-identical to $whole's"
fi
exit $status
