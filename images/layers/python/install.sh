#!/bin/sh
# Built-in layer `python`, run as root while the composed image is built, after the
# [root_install] packages are installed. Idempotent: it only checks and links.
set -eu
python3 --version
# `python` for scripts and tools that expect it; left alone when something already provides it.
if ! command -v python >/dev/null 2>&1; then
    ln -sf "$(command -v python3)" /usr/local/bin/python
fi
