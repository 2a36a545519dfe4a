import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// The executor's way to the user in a command: the progress line, the layer approval prompt
/// (only when mino may ask), and warnings on standard error.
struct CommandInteraction: SessionInteraction {
    let context: CommandContext
    let progress: ProgressLine
    let renderer: DiagnosticRenderer
    let quiet: Bool

    func step<Result, Failure: Error>(_ message: String, _ body: () throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        try progress.step(message, body)
    }

    func approveLayer(_ layer: ResolvedLayer, path: String) -> Bool {
        guard context.isInteractive else { return false }
        let script = layer.installScript.map { String(decoding: $0, as: UTF8.self) } ?? "(no install.sh)\n"
        context.standardError.write(
            "\nThe project layer `\(layer.name)` (\(path)) runs this as root while the image is built:\n"
                + script.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).map { "  | " + $0 }
                .joined(separator: "\n") + "\n")
        let question =
            "Approve this exact layer (sha256 \(layer.contentHash.prefix(12))…)? "
            + "It stays approved until a file in it changes."
        return Menu(context: context).confirm(question)
    }

    func warn(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty, !quiet else { return }
        context.standardError.write(renderer.render(diagnostics))
    }
}
