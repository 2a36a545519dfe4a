import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// The end of `mino setup`: one real session through mino itself (`mino run` with a network
/// allowlist, so the network fence is applied too), on an image that is already present
/// locally — setup never pulls. Then the host facts, for the enforcement summary.
struct SetupSelfTest {
    var passed: Bool
    var summary: String
    var facts: HostFacts?

    static func run(parsed: ParsedCommand, context: CommandContext, runner: any CommandRunner) throws(CommandFailure)
        -> SetupSelfTest
    {
        let executor = try Executor(context: context)
        let facts: HostFacts? = HostFactsProbe.probe(context: context)
        guard let mino = context.executablePath else {
            return SetupSelfTest(
                passed: true, summary: "Self-test skipped: mino's own path is unknown.\n", facts: facts)
        }
        let configured = configuredImage(parsed, context)
        let candidates = [configured, ImageResolution.baseImage]
        guard let image = candidates.first(where: { (try? executor.podman.imageExists($0)) == true }) else {
            return SetupSelfTest(
                passed: true,
                summary: "Self-test skipped: no image is present locally (\(configured)). "
                    + "Pull one with `podman pull \(configured)`, or build images/base (images/README.md).\n",
                facts: facts)
        }
        var arguments = [
            "run", "--quiet", "--image", image, "--network-allow", "127.0.0.1:9", "--no-cache", "--no-home",
            "--no-github", "--no-ssh-agent", "--name", "mino-setup-self-test-\(getpid())",
        ]
        if getuid() == 0 { arguments.append("--allow-root") }
        arguments += ["--", "true"]
        context.standardError.write("Self-test: a fenced session on \(image)…\n")
        let result: ProcessResult
        do {
            result = try runner.run(
                ProcessSpec(mino, arguments, environment: context.environment), timeout: .seconds(300))
        } catch {
            return SetupSelfTest(passed: false, summary: "Self-test could not start mino: \(error)\n", facts: facts)
        }
        guard result.succeeded else {
            let tail = result.errorText.split(separator: "\n").suffix(8).joined(separator: "\n")
            return SetupSelfTest(
                passed: false,
                summary: "Self-test FAILED (status \(result.status.shellStatus)):\n\(tail)\n"
                    + "Run `mino run --image \(image) -- true` to see the whole error.\n",
                facts: facts)
        }
        return SetupSelfTest(
            passed: true, summary: "Self-test passed: a fenced session on \(image) ran and was removed.\n",
            facts: facts)
    }

    /// The image the global configuration names (aliases resolved), or the base image.
    private static func configuredImage(_ parsed: ParsedCommand, _ context: CommandContext) -> String {
        guard let (global, _) = try? ConfigFileReader.loadGlobal(ConfigLocations(parsed: parsed, context: context))
        else { return ImageResolution.baseImage }
        return ImageResolution.resolve(EffectiveConfig(layers: [.defaults, global])).image.value
    }
}
