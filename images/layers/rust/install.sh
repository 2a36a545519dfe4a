#!/bin/sh
# Built-in layer `rust`: nothing to do at image build time.
# rustup (stable) and the cargo tools are installed into the user's home by mino-bootstrap at
# the first start of a session, from [user_install] in layer.toml.
# A script of only comments and blank lines counts as no script, so no image is built.
