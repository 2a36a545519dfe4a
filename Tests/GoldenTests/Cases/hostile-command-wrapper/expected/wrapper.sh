# mino network allowlist wrapper: runs as container root, loads the fence, then runs the agent as 1000:1000 with no capabilities
set -eu
for tool in iptables-restore ip6tables-restore capsh; do
    command -v "$tool" >/dev/null 2>&1 || { echo "mino: $tool not found in the image; the network allowlist cannot be enforced" >&2; exit 126; }
done
iptables-restore <<'MINO_IPV4_RULESET'
# mino network allowlist, IPv4 table for iptables-restore
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT DROP [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A OUTPUT -o lo -j ACCEPT
-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
# DNS: only to the container's resolvers
-A OUTPUT -d 10.88.0.1/32 -p udp -m udp --dport 53 -j ACCEPT
-A OUTPUT -d 10.88.0.1/32 -p tcp -m tcp --dport 53 -j ACCEPT
# allow github.com:443
-A OUTPUT -d 140.82.112.3/32 -p tcp -m tcp --dport 443 -j ACCEPT
-A OUTPUT -d 140.82.112.4/32 -p tcp -m tcp --dport 443 -j ACCEPT
# everything else is refused at once
-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset
-A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
COMMIT
MINO_IPV4_RULESET
ip6tables-restore <<'MINO_IPV6_RULESET'
# mino network allowlist, IPv6 table for ip6tables-restore
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT DROP [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 134 -j ACCEPT
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT
-A OUTPUT -o lo -j ACCEPT
-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 133 -j ACCEPT
-A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
-A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT
# DNS: only to the container's resolvers
-A OUTPUT -d fd00::1/128 -p udp -m udp --dport 53 -j ACCEPT
-A OUTPUT -d fd00::1/128 -p tcp -m tcp --dport 53 -j ACCEPT
# allow github.com:443: no ipv6 address
# everything else is refused at once
-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset
-A OUTPUT -j REJECT --reject-with icmp6-adm-prohibited
COMMIT
MINO_IPV6_RULESET
# DNS to the resolvers podman wrote into this container's resolv.conf
while read -r key address rest; do
    [ "$key" = nameserver ] || continue
    case $address in ''|*[!0-9A-Fa-f.:]*) continue ;; *:*) restore=ip6tables-restore ;; *) restore=iptables-restore ;; esac
    printf '*filter\n-I OUTPUT 1 -d %s -p udp --dport 53 -j ACCEPT\n-I OUTPUT 1 -d %s -p tcp --dport 53 -j ACCEPT\nCOMMIT\n' "$address" "$address" | "$restore" --noflush
done < /etc/resolv.conf
HOME=/home/developer
export HOME
exec capsh --drop=cap_net_admin,cap_setgid,cap_setpcap,cap_setuid --gid=1000 --groups=1000 --uid=1000 --shell=/bin/sh -- -c 'exec "$@"' mino-agent sh -c 'echo "$(id)" `uname` '\''q'\'' ; exit 3' --x
