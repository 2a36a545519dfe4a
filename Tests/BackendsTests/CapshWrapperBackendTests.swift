import Backends
import Diagnostics
import Foundation
import PolicyModel
import Testing

/// The wrapper scripts are run for real with `/bin/sh`, with stubs for iptables-restore,
/// ip6tables-restore and capsh that record what they get and then behave like the real tools.
@Suite struct CapshWrapperBackendTests {
    let facts = PolicyFixture.facts

    /// Arguments a prompt-injected agent or a hostile repository could produce.
    static let hostileArguments = [
        "it's", "$(touch pwned-subst)", "`touch pwned-backtick`", "line\nbreak", "-rf", "--", "", "  spaced  ",
        "\"double\"", "back\\slash", "*", "~", "$HOME", "; touch pwned-semicolon", "'", "\t", "é✓", "a'\"'b",
        "--drop=all", "$(printf x)'$(touch pwned-mixed)'",
    ]

    static let capshStub = """
        shell=/bin/sh
        : > "$MINO_TEST_DIR/capsh.args"
        while [ "$#" -gt 0 ]; do
            case "$1" in
                --) shift; break ;;
                --shell=*) shell="${1#--shell=}" ;;
            esac
            printf '%s\\0' "$1" >> "$MINO_TEST_DIR/capsh.args"
            shift
        done
        exec "$shell" "$@"
        """

    /// A runner with recording stubs and an agent (`show-args`) that prints its arguments NUL-separated.
    /// The stubs append, so the files hold the tables and then the container-resolver rules.
    func runner(iptablesRestore: String = "cat >> \"$MINO_TEST_DIR/ipv4.loaded\"") throws -> ShellRunner {
        let runner = try ShellRunner()
        try runner.stub("iptables-restore", iptablesRestore)
        try runner.stub("ip6tables-restore", "cat >> \"$MINO_TEST_DIR/ipv6.loaded\"")
        try runner.stub("capsh", Self.capshStub)
        try runner.stub("show-args", "printf '%s\\0' \"$@\"")
        return runner
    }

    /// A resolv.conf as podman writes it for a network with its own DNS, plus lines the loop
    /// must skip (a search line, an empty nameserver, a value that is not a plain address).
    static let resolvConf: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mino-resolv-\(UUID().uuidString)")
            .path
        let text =
            "search dns.podman\nnameserver 10.89.0.1\nnameserver fd00::53\nnameserver 1.2.3.4;touch${IFS}x\n"
            + "nameserver\noptions ndots:0\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }()

    static let testTools = WrapperTools(
        iptablesRestore: "iptables-restore", ip6tablesRestore: "ip6tables-restore", capsh: "capsh", shell: "/bin/sh",
        resolvConf: resolvConf)

    /// What the resolver loop loads for `address`.
    static func resolverTable(_ address: String) -> String {
        "*filter\n-I OUTPUT 1 -d \(address) -p udp --dport 53 -j ACCEPT\n"
            + "-I OUTPUT 1 -d \(address) -p tcp --dport 53 -j ACCEPT\nCOMMIT\n"
    }

    func startScript(command: [String], tools: WrapperTools = testTools) throws -> (WrapperScript, NetfilterRuleset) {
        let policy = PolicyFixture.policy {
            $0 = PolicyFixture.allowlist(enforcement: .wrapper)
            $0.command = Sourced(command, PolicyFixture.origin("command"))
        }
        let ruleset = try #require(try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: .resolved))
        return (try CapshWrapperBackend.startScript(for: policy, facts: facts, ruleset: ruleset, tools: tools), ruleset)
    }

    static let expectedCapshOptions = [
        "--drop=cap_net_admin,cap_setgid,cap_setpcap,cap_setuid", "--gid=1000", "--groups=1000", "--uid=1000",
        "--shell=/bin/sh",
    ]

    @Test func startScriptLoadsBothTablesThenRunsTheAgentThroughCapsh() throws {
        let runner = try runner()
        defer { runner.cleanUp() }
        let (script, ruleset) = try startScript(command: ["show-args", "hello"])
        let result = try runner.run(script.argv[0], Array(script.argv.dropFirst()))
        #expect(result.status == 0, "\(result.stderr)")
        // The tables, then DNS to the container's own resolvers; nothing else from resolv.conf.
        #expect(runner.file("ipv4.loaded") == ruleset.ipv4 + Self.resolverTable("10.89.0.1"))
        #expect(runner.file("ipv6.loaded") == ruleset.ipv6 + Self.resolverTable("fd00::53"))
        #expect(runner.file("x") == nil, "a nameserver line that is not an address runs nothing")
        #expect(ShellRunner.nulSeparated(Data((runner.file("capsh.args") ?? "").utf8)) == Self.expectedCapshOptions)
        #expect(ShellRunner.nulSeparated(result.stdout) == ["hello"])
    }

    @Test func hostileArgumentsArriveAsOneLiteralArgvElementEach() throws {
        let runner = try runner()
        defer { runner.cleanUp() }
        let (script, _) = try startScript(command: ["show-args"] + Self.hostileArguments)
        let result = try runner.run(script.argv[0], Array(script.argv.dropFirst()))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ShellRunner.nulSeparated(result.stdout) == Self.hostileArguments)
        let created = try FileManager.default.contentsOfDirectory(atPath: runner.directory.path)
        #expect(!created.contains { $0.hasPrefix("pwned") })
    }

    @Test func execScriptDropsEveryAddedCapabilityAndKeepsArgumentsLiteral() throws {
        let runner = try runner()
        defer { runner.cleanUp() }
        let script = try CapshWrapperBackend.execScript(
            command: ["show-args"] + Self.hostileArguments, origin: nil, facts: facts)
        let result = try runner.run(script.argv[0], Array(script.argv.dropFirst()))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ShellRunner.nulSeparated(Data((runner.file("capsh.args") ?? "").utf8)) == Self.expectedCapshOptions)
        #expect(ShellRunner.nulSeparated(result.stdout) == Self.hostileArguments)
        #expect(runner.file("ipv4.loaded") == nil)
    }

    @Test func aTableThatFailsToLoadStopsTheAgentFromStarting() throws {
        let runner = try runner(iptablesRestore: "cat > /dev/null; echo 'iptables-restore: line 3 failed' >&2; exit 2")
        defer { runner.cleanUp() }
        let (script, _) = try startScript(command: ["show-args", "should-not-run"])
        let result = try runner.run(script.argv[0], Array(script.argv.dropFirst()))
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(runner.file("ipv6.loaded") == nil)
        #expect(runner.file("capsh.args") == nil)
    }

    @Test(arguments: ["iptables", "ip6tables", "capsh"])
    func aMissingToolFailsClosed(missing: String) throws {
        let runner = try runner()
        defer { runner.cleanUp() }
        var tools = WrapperTools.standard
        switch missing {
        case "iptables": tools.iptablesRestore = "mino-test-missing-tool"
        case "ip6tables": tools.ip6tablesRestore = "mino-test-missing-tool"
        default: tools.capsh = "mino-test-missing-tool"
        }
        let (script, _) = try startScript(command: ["show-args", "should-not-run"], tools: tools)
        let result = try runner.run(script.argv[0], Array(script.argv.dropFirst()))
        #expect(result.status == 126)
        #expect(result.stderr.contains("mino-test-missing-tool not found in the image"))
        #expect(result.stdout.isEmpty)
        #expect(runner.file("ipv4.loaded") == nil)
    }

    @Test func execScriptWithoutCapshFailsClosed() throws {
        let runner = try runner()
        defer { runner.cleanUp() }
        var tools = WrapperTools.standard
        tools.capsh = "mino-test-missing-tool"
        let script = try CapshWrapperBackend.execScript(
            command: ["show-args", "x"], origin: nil, facts: facts, tools: tools)
        let result = try runner.run(script.argv[0], Array(script.argv.dropFirst()))
        #expect(result.status == 126)
        #expect(result.stdout.isEmpty)
    }

    @Test func toolPathsWithSpacesAndQuotesAreQuoted() throws {
        let runner = try runner()
        defer { runner.cleanUp() }
        let odd = runner.directory.appendingPathComponent("it's a dir")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
        let capsh = odd.appendingPathComponent("cap sh")
        try ("#!/bin/sh\n" + Self.capshStub + "\n").write(to: capsh, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: capsh.path)
        var tools = WrapperTools.standard
        tools.capsh = capsh.path
        let (script, _) = try startScript(command: ["show-args", "ok"], tools: tools)
        let result = try runner.run(script.argv[0], Array(script.argv.dropFirst()))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ShellRunner.nulSeparated(result.stdout) == ["ok"])
    }

    @Test func quotedWordsRoundTripThroughSh() throws {
        let runner = try ShellRunner()
        defer { runner.cleanUp() }
        let line = "printf '%s\\0' " + Self.hostileArguments.map(ShellQuoting.quote).joined(separator: " ")
        let result = try runner.run("/bin/sh", ["-c", line])
        #expect(ShellRunner.nulSeparated(result.stdout) == Self.hostileArguments)
    }

    @Test func startScriptIsExactlyTheDocumentedSequence() throws {
        let (script, ruleset) = try startScript(command: ["claude"])
        let expected =
            """
            # mino network allowlist wrapper: runs as container root, loads the fence, then runs the agent as \
            1000:1000 with no capabilities
            set -eu
            for tool in iptables-restore ip6tables-restore capsh; do
                command -v "$tool" >/dev/null 2>&1 || { echo "mino: $tool not found in the image; the network \
            allowlist cannot be enforced" >&2; exit 126; }
            done
            iptables-restore <<'MINO_IPV4_RULESET'

            """ + ruleset.ipv4 + """
                MINO_IPV4_RULESET
                ip6tables-restore <<'MINO_IPV6_RULESET'

                """ + ruleset.ipv6 + """
                MINO_IPV6_RULESET
                # DNS to the resolvers podman wrote into this container's resolv.conf
                while read -r key address rest; do
                    [ "$key" = nameserver ] || continue
                    case $address in ''|*[!0-9A-Fa-f.:]*) continue ;; *:*) restore=ip6tables-restore ;; *) restore=iptables-restore ;; esac
                    printf '*filter\\n-I OUTPUT 1 -d %s -p udp --dport 53 -j ACCEPT\\n-I OUTPUT 1 -d %s -p tcp --dport 53 -j ACCEPT\\nCOMMIT\\n' "$address" "$address" | "$restore" --noflush
                done < \(ShellQuoting.quote(Self.resolvConf))
                HOME=/home/developer
                export HOME
                exec capsh --drop=cap_net_admin,cap_setgid,cap_setpcap,cap_setuid --gid=1000 --groups=1000 --uid=1000 \
                --shell=/bin/sh -- -c 'exec "$@"' mino-agent claude

                """
        #expect(script.rendered == expected)
        #expect(script.lines.last?.origin == PolicyFixture.origin("command"))
    }

    @Test func aCommandArgumentWithANulByteIsRefused() {
        #expect(throws: DiagnosticError.self) {
            try CapshWrapperBackend.execScript(command: ["a\0b"], origin: nil, facts: facts)
        }
        let empty = #expect(throws: DiagnosticError.self) {
            try CapshWrapperBackend.execScript(command: [], origin: nil, facts: facts)
        }
        #expect(empty?.diagnostics.first?.code == "backend.empty-command")
    }

    @Test func dropListCoversEveryAddedCapability() {
        #expect(CapshWrapperBackend.addedCapabilities == ["NET_ADMIN", "SETGID", "SETPCAP", "SETUID"])
        #expect(CapshWrapperBackend.dropList == "cap_net_admin,cap_setgid,cap_setpcap,cap_setuid")
    }

    /// The real thing: the start script under `unshare -n` with only the wrapper's capabilities
    /// and no-new-privileges (as podman starts it), real iptables-restore and capsh. The agent
    /// must end with uid/gid 1000, all five capability sets empty, and the fence loaded. Opt in
    /// with `MINO_INTEGRATION=1` (needs root, util-linux, libcap2-bin and iptables).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MINO_INTEGRATION"] == "1"))
    func realWrapperLeavesTheAgentWithoutCapabilitiesBehindTheFence() throws {
        let runner = try ShellRunner()
        defer { runner.cleanUp() }
        let probe =
            "id -u; id -g; grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status; iptables -S OUTPUT 2>&1 | head -1"
        let (script, _) = try startScript(command: ["/bin/sh", "-c", probe])
        let bounding =
            "-all," + CapshWrapperBackend.addedCapabilities.map { "+" + $0.lowercased() }.joined(separator: ",")
        let host = ShellRunner.hostFirewall()
        let result = try runner.run(
            "/usr/bin/unshare",
            ["-n", "/usr/bin/setpriv", "--no-new-privs", "--bounding-set=\(bounding)", "--"] + script.argv)
        #expect(result.status == 0, "\(result.stderr)")
        // Control: the fence went into the new namespace, never into the host's.
        #expect(ShellRunner.hostFirewall() == host, "the host's own firewall changed")
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.prefix(2) == ["1000", "1000"])
        #expect(lines.dropFirst(2).prefix(5).allSatisfy { $0.hasSuffix("0000000000000000") }, "\(lines)")
        #expect(lines.last?.contains("Permission denied") == true, "\(lines)")
    }
}
