#!/usr/bin/env bash
# Known hole of the stock kernel (issue 13): must fire here (S1 > 0, exit 1,
# and btrfs scrub finds a data checksum error in the mapped file).
exec bash "$(dirname "$0")/dmapin_hole.sh" btrfs
