#!/usr/bin/env python3
"""Write a policy-like TOML document of about SIZE bytes to PATH (deterministic).

Usage: gen_policy_toml.py SIZE_BYTES PATH

The document looks like what users write: commented sections, string/integer/boolean keys,
host:port allowlists, env tables, inline tables and arrays of tables, repeated until the size is
reached. Also used by the differential fuzz check to make realistic seeds.
"""
import random
import sys


def block(i, rng):
    hosts = ", ".join(f'"h{i}-{j}.example.com:{rng.choice([22, 80, 443, 8443])}"' for j in range(rng.randint(2, 8)))
    env = "\n".join(f'VAR_{i}_{j} = "value {j} with spaces \\t and \\u00e9scapes"' for j in range(rng.randint(1, 5)))
    return f"""
# project {i}: generated for the parse benchmark
[project-{i}.general]
audit_log = {str(rng.random() > 0.5).lower()}
runtime = "container"
update_check = false

[project-{i}.container]
image = 'ghcr.io/example/image-{i}:latest'
network = "bridge"
network_allow = [{hosts}]
layers = ["rust", "typescript", "python"]
read_only = {str(rng.random() > 0.5).lower()}
limits = {{ memory_mb = {rng.randint(256, 65536)}, pids = {rng.randint(64, 8192)}, cpu = {rng.random() * 8:.3f} }}

[project-{i}.container.env]
{env}

[[project-{i}.mounts]]
source = "/srv/data/{i}"
target = "/data"
options = ["ro", "nosuid", "nodev"]

[[project-{i}.mounts]]
source = \"\"\"
/srv/cache/{i}\"\"\"
target = "/cache"
created = 2026-11-{rng.randint(10, 28)}T12:{rng.randint(10, 59)}:00Z
"""


def main():
    size = int(sys.argv[1])
    path = sys.argv[2]
    rng = random.Random(42)
    parts = ["version = 1\n"]
    total = len(parts[0])
    i = 0
    while total < size:
        text = block(i, rng)
        parts.append(text)
        total += len(text.encode())
        i += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
