import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `-v/--verbose`: every program mino runs is shown on standard error before it starts, as a
/// copyable command line (`+ podman create …`). Only the argv is shown, never the child's
/// environment, which is where secret values travel; a `NAME=value` argument whose name looks
/// secret is shown as `NAME=<redacted>` all the same.
struct CommandTrace: CommandRunner {
    let base: any CommandRunner
    let output: OutputWriter

    func run(_ spec: ProcessSpec, timeout: Duration?) throws(ProcessError) -> ProcessResult {
        trace(spec)
        return try base.run(spec, timeout: timeout)
    }

    func runAttached(
        _ spec: ProcessSpec, forwarding: Set<ForwardedSignal>, onSignal: @escaping @Sendable (ForwardedSignal) -> Void
    ) throws(ProcessError) -> ProcessStatus {
        trace(spec)
        return try base.runAttached(spec, forwarding: forwarding, onSignal: onSignal)
    }

    func spawnDetached(_ spec: ProcessSpec) throws(ProcessError) -> Int32 {
        trace(spec)
        return try base.spawnDetached(spec)
    }

    /// The line shown for a spec.
    static func line(_ spec: ProcessSpec) -> String {
        let words = ([spec.executable] + spec.arguments).map { word -> String in
            if let equals = word.firstIndex(of: "="), EnvironmentVariable.looksSecret(name: String(word[..<equals])) {
                return ShellQuoting.displayQuote(String(word[..<equals]) + "=<redacted>")
            }
            return ShellQuoting.displayQuote(word)
        }
        return "+ " + words.joined(separator: " ") + "\n"
    }

    private func trace(_ spec: ProcessSpec) {
        output.write(Self.line(spec))
    }
}
