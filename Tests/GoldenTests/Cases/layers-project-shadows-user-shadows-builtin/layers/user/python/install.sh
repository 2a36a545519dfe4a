#!/bin/sh
echo user python
