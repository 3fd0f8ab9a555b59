#!/usr/bin/env bash
# btrfs mounted nodatasum: no checksums, no stable mappings, rewrites under writeback
exec bash "$(dirname "$0")/stable_mode.sh" btrfs 0
