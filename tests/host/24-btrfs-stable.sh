#!/usr/bin/env bash
# btrfs: data checksums make every data mapping stable (loop at stable_writes=0)
exec bash "$(dirname "$0")/stable_mode.sh" btrfs 1
