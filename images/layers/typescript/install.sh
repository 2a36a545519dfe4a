#!/bin/sh
# Built-in layer `typescript`: nothing to do at image build time.
# Node.js (nvm, version 22) and the npm globals are installed into the user's home by
# mino-bootstrap at the first start of a session, from [user_install] in layer.toml.
# A script of only comments and blank lines counts as no script, so no image is built.
