#!/usr/bin/env bash
exec bash "$(dirname "$0")/stable_mode.sh" xfs 1
