# mino exec wrapper: podman exec gives the container's capabilities back; drop them again and run as 1000:1000
set -eu
command -v capsh >/dev/null 2>&1 || { echo 'mino: capsh not found in the image; cannot drop capabilities for exec' >&2; exit 126; }
HOME=/home/developer
export HOME
exec capsh --drop=cap_net_admin,cap_setgid,cap_setpcap,cap_setuid --gid=1000 --groups=1000 --uid=1000 --shell=/bin/sh -- -c 'exec "$@"' mino-agent /bin/bash
