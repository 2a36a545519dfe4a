#!/bin/sh
set -eu
python3 -m venv /opt/project-venv
