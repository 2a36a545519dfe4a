#!/bin/sh
set -eu
jq --version
