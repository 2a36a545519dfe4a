import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// The steps before the session record: layers, images, credentials, volumes.
extension PlanExecution {
    /// A project layer runs as root in the image build: it needs the same approval as a widening
    /// `.mino.toml` (path and content hash in the trust store), `--trust-local`, or a yes at the
    /// prompt. Refused otherwise.
    package func approve(_ layer: ResolvedLayer) throws(ExecutorFailure) -> [Diagnostic] {
        let path = ConfigLocations.canonical(layer.directory)
        let store = TrustStore(state: executor.state)
        let (_, storeWarning) = store.load()
        let warnings = storeWarning.map { [$0] } ?? []
        if store.isApproved(path, sha256: layer.contentHash) { return warnings }
        if let trustLocal, trustLocal.value {
            return warnings + [.projectLayerTrusted(layer.name, directory: path, at: trustLocal.origin)]
        }
        if interaction.approveLayer(layer, path: path) {
            try store.record(path, sha256: layer.contentHash)
            return warnings
        }
        throw ExecutorFailure(
            .failed,
            diagnostics: warnings + [.projectLayerNotApproved(layer.name, directory: path, at: layer.requested.origin)])
    }

    /// Writes the build context into a fresh private directory, builds, removes the directory.
    package func build(_ step: SessionStep) throws(ExecutorFailure) {
        guard let composition = plan.composition, let containerfile = composition.containerfile, let argv = step.argv
        else { return }
        let directory: String
        do {
            directory = try BuildContext.write(containerfile: containerfile.rendered, files: composition.contextFiles)
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.buildContextUnwritable(error.localizedDescription)])
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = composition.layers.map(\.name).joined(separator: ", ")
        let filled = Self.filled(argv, [SessionStep.Placeholder.buildContext: directory])
        let result: ProcessResult
        do {
            result = try interaction.step("Building image for layers \(names)") { () throws(ProcessError) in
                try executor.runner.run(spec(filled), timeout: .seconds(3600))
            }
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
        }
        guard result.status == .exited(0) else {
            let output = String(decoding: result.output + result.error, as: UTF8.self)
            throw ExecutorFailure(.failed, diagnostics: [.imageBuildFailed(names, output: output)])
        }
    }

    /// Fetches the credentials the policy asks for. A failing provider is a warning (the session
    /// starts without it), or with `--strict-credentials` an error that stops the run.
    package func gatherCredentials() throws(ExecutorFailure) -> CredentialBroker.Outcome {
        let request = plan.policy.credentials
        let broker = CredentialBroker(
            context: CredentialContext(
                runner: executor.runner, environment: executor.environment, now: Date(),
                timeout: SessionCaches.credentialTimeout(executor.environment),
                sessionName: plan.sessionName),
            cache: CredentialCache(state: executor.state))
        let outcome = interaction.step("Fetching credentials") { broker.gather(request) }
        let strict = request.strict.value
        let failures = outcome.failures.map { Diagnostic.credentialFailed($0, strict: strict) }
        if strict, !outcome.failures.isEmpty {
            throw ExecutorFailure(
                .failed,
                diagnostics: outcome.warnings + failures + [.credentialsStrict(outcome.failures.map(\.provider))])
        }
        interaction.warn(outcome.warnings + failures)
        return outcome
    }

    // MARK: - Volumes

    /// Whether the step's check (`podman volume inspect`) found no volume.
    package func volumeMissing(_ step: SessionStep) throws(ExecutorFailure) -> Bool {
        try inspectVolume(step) == nil
    }

    /// The labels of the volume the step's check inspects, or `nil` when there is none.
    private func inspectVolume(_ step: SessionStep) throws(ExecutorFailure) -> [String: String]? {
        guard let check = step.check else { return nil }
        let result: ProcessResult
        do {
            result = try executor.runner.run(spec(check), timeout: .seconds(60))
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
        }
        guard result.succeeded,
            let items = try? JSONSerialization.jsonObject(with: Data(result.output)) as? [[String: Any]],
            let first = items.first
        else { return nil }
        return first["Labels"] as? [String: String] ?? [:]
    }

    /// Creates the step's volume; a volume another run created meanwhile is used as it is.
    package func createVolume(_ step: SessionStep) throws(ExecutorFailure) {
        guard let argv = step.argv else { return }
        do {
            try runChecked(Self.filled(argv, [SessionStep.Placeholder.now: SessionRecord.timestamp(Date())]))
        } catch {
            guard try inspectVolume(step) != nil else { throw error }
        }
    }

    /// `--cache-fresh`: removes the cache volume unless a container uses it.
    package func clearCache(_ step: SessionStep) throws(ExecutorFailure) {
        guard let check = step.check, let argv = step.argv else { return }
        let output = try runChecked(check, timeout: .seconds(60)).output
        let items = (try? JSONSerialization.jsonObject(with: Data(output)) as? [[String: Any]]) ?? []
        let users = items.map { item in
            VolumeUser(
                id: String((item["Id"] as? String ?? "").prefix(12)), name: (item["Names"] as? [String])?.first ?? "",
                isMino: (item["Labels"] as? [String: String])?[PodmanBackend.sessionLabel] != nil)
        }
        guard users.isEmpty else {
            throw ExecutorFailure(.failed, diagnostics: [.cacheInUse(step.subject, users)])
        }
        // A volume that does not exist yet has nothing to clear.
        _ = try? executor.runner.run(spec(argv), timeout: .seconds(120))
        CacheRecordStore(state: executor.state).remove(step.subject)
    }

    /// Creates the cache volume when missing and records its use; a cache not yet complete is
    /// finalised after a clean exit.
    package func prepareCache(_ step: SessionStep, _ progress: inout Progress) throws(ExecutorFailure) {
        guard let volume = plan.policy.caches.volumes.first(where: { $0.volumeName == step.subject }) else { return }
        let existing = try inspectVolume(step)
        if existing == nil { try createVolume(step) }
        let records = CacheRecordStore(state: executor.state)
        let now = Date()
        var record =
            (existing == nil ? nil : records.load(volume.volumeName))
            ?? CacheRecord(
                volumeName: volume.volumeName, ecosystem: volume.ecosystem, key: volume.key,
                state: existing?[VolumeBackend.Label.cacheState] == "complete" ? .complete : .building, now: now)
        if record.state == .building { progress.cachesToFinalise.append(volume.volumeName) }
        record.lastUsedAt = now
        record.updatedAt = now
        try? records.save(record)
    }
}

/// A private temporary directory holding a Containerfile and the files it copies.
package enum BuildContext {
    package static func write(containerfile: String, files: [BuildContextFile]) throws -> String {
        let base = FileManager.default.temporaryDirectory.path
        let directory = base + "/mino-build-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            try Data(containerfile.utf8).write(to: URL(fileURLWithPath: directory + "/Containerfile"))
            for file in files {
                try Data(file.bytes).write(to: URL(fileURLWithPath: directory + "/" + file.name))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return directory
    }
}
