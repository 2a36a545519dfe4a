#!/bin/sh
# comments only: the packages are enough
