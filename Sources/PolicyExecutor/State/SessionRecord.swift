import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// One session's state file, `<state>/sessions/<name>.json`.
///
/// Keeps the reference's fields (`id`, `name`, `project_dir`, `command`, `container_id`,
/// `status`, `created_at`, `updated_at`, `cloud_providers`, `home_volume`, `runtime_mode`,
/// `process_id`, `log_file`, `sandbox_user`) and adds what supervision needs: the supervising
/// process (`owner_pid` plus its start time, so a reused pid is not mistaken for it), the exit
/// code, how the session ended, and what `mino exec` must know (`wrapper`, `shell`, `user`).
package struct SessionRecord: Equatable, Sendable {
    package enum Status: String, Sendable {
        case starting, running, stopped, failed
    }

    package var id: String
    package var name: String
    package var projectDirectory: String
    package var command: [String]
    package var containerID: String?
    package var containerName: String
    package var status: Status
    package var createdAt: Date
    package var updatedAt: Date
    package var cloudProviders: [String] = []
    package var homeVolume: String?
    package var image: String
    package var network: String
    package var detached: Bool
    /// The process supervising the session (the attached `mino run`, or the detached supervisor).
    package var ownerPID: Int32?
    /// The owner's start time in clock ticks after boot (`/proc/<pid>/stat` field 22).
    package var ownerStartTime: UInt64?
    package var exitCode: Int32?
    /// Why the session ended, when it did not end by itself (`supervisor exited`, `stopped`).
    package var endReason: String?
    /// Whether the network fence runs in the container (exec must re-drop capabilities).
    package var wrapper: Bool
    package var shell: String
    /// `uid:gid` the agent runs as.
    package var user: String
    /// The session resolver's configuration (allowlist sessions with the fence hook): what a
    /// detached session's supervisor serves.
    package var resolver: ResolverConfiguration?
    /// The session's runtime directory (fence hook, ruleset, resolver socket), removed when the
    /// session ends, by a later command's reconcile if its owner died.
    package var runtimeDirectory: String?
    /// Connection attempts the fence refused and DNS queries the resolver refused, as last
    /// counted (`mino list`).
    package var deniedCount = 0
    /// The plan's steps for the supervisor of a detached session, which it performs as they are.
    package var supervisorSteps: [SessionStep] = []
    /// Whether the session's events go to the audit log.
    package var auditLog = true
    /// Cache volumes still `building`, marked complete when the session exits 0.
    package var cachesToFinalise: [String] = []

    /// Whether the session may still have a live container.
    package var isActive: Bool { status == .starting || status == .running }

    // MARK: - JSON

    package static func timestamp(_ date: Date) -> String { Timestamp.format(date) }

    package static func date(_ text: String?) -> Date? { text.flatMap(Timestamp.parse) }

    package var json: JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        func optional(_ number: Int32?) -> JSONValue { number.map { .integer(Int64($0)) } ?? .null }
        return .object([
            "id": .string(id), "name": .string(name), "project_dir": .string(projectDirectory),
            "command": .array(command.map { .string($0) }), "container_id": optional(containerID),
            "container_name": .string(containerName), "status": .string(status.rawValue),
            "created_at": .string(Self.timestamp(createdAt)), "updated_at": .string(Self.timestamp(updatedAt)),
            "cloud_providers": .array(cloudProviders.map { .string($0) }), "home_volume": optional(homeVolume),
            "runtime_mode": .string("container"), "process_id": .null, "log_file": .null, "sandbox_user": .null,
            "image": .string(image), "network": .string(network), "detached": .bool(detached),
            "owner_pid": optional(ownerPID), "owner_start_time": ownerStartTime.map { .integer(Int64($0)) } ?? .null,
            "exit_code": optional(exitCode), "end_reason": optional(endReason), "wrapper": .bool(wrapper),
            "shell": .string(shell), "user": .string(user),
            "resolver": resolver?.json ?? .null, "runtime_dir": optional(runtimeDirectory),
            "denied_count": .integer(Int64(deniedCount)),
            "supervisor_steps": .array(supervisorSteps.map(Self.encode)), "audit_log": .bool(auditLog),
            "caches_to_finalise": .array(cachesToFinalise.map { .string($0) }),
        ])
    }

    /// Reads a record; older or foreign files missing the added fields still load.
    package init?(json data: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let name = object["name"] as? String, let statusText = object["status"] as? String,
            let status = Status(rawValue: statusText), let created = Self.date(object["created_at"] as? String)
        else { return nil }
        self.name = name
        self.status = status
        self.createdAt = created
        self.updatedAt = Self.date(object["updated_at"] as? String) ?? created
        self.id = object["id"] as? String ?? ""
        self.projectDirectory = object["project_dir"] as? String ?? ""
        self.command = object["command"] as? [String] ?? []
        self.containerID = object["container_id"] as? String
        self.containerName = object["container_name"] as? String ?? ""
        self.cloudProviders = object["cloud_providers"] as? [String] ?? []
        self.homeVolume = object["home_volume"] as? String
        self.image = object["image"] as? String ?? ""
        self.network = object["network"] as? String ?? ""
        self.detached = object["detached"] as? Bool ?? false
        self.ownerPID = (object["owner_pid"] as? NSNumber).map { $0.int32Value }
        self.ownerStartTime = (object["owner_start_time"] as? NSNumber).map { $0.uint64Value }
        self.exitCode = (object["exit_code"] as? NSNumber).map { $0.int32Value }
        self.endReason = object["end_reason"] as? String
        self.wrapper = object["wrapper"] as? Bool ?? false
        self.shell = object["shell"] as? String ?? "/bin/sh"
        self.user = object["user"] as? String ?? ""
        self.resolver = (object["resolver"] as? [String: Any]).flatMap(ResolverConfiguration.init(jsonObject:))
        self.deniedCount = (object["denied_count"] as? NSNumber)?.intValue ?? 0
        self.runtimeDirectory = object["runtime_dir"] as? String
        self.supervisorSteps = (object["supervisor_steps"] as? [[String: Any]] ?? []).compactMap(Self.decodeStep)
        self.auditLog = object["audit_log"] as? Bool ?? true
        self.cachesToFinalise = object["caches_to_finalise"] as? [String] ?? []
    }

    package init(
        name: String, projectDirectory: String, command: [String], containerName: String, image: String,
        network: String, detached: Bool, homeVolume: String?, wrapper: Bool, shell: String, user: String, now: Date
    ) {
        self.id = UUID().uuidString.lowercased()
        self.name = name
        self.projectDirectory = projectDirectory
        self.command = command
        self.containerName = containerName
        self.status = .starting
        self.createdAt = now
        self.updatedAt = now
        self.homeVolume = homeVolume
        self.image = image
        self.network = network
        self.detached = detached
        self.wrapper = wrapper
        self.shell = shell
        self.user = user
    }
}

extension SessionRecord {
    /// A supervisor step as `{"action": …, "subject": …, "argv": […]}`.
    package static func encode(_ step: SessionStep) -> JSONValue {
        var object: [String: JSONValue] = ["action": .string(step.action.rawValue), "subject": .string(step.subject)]
        if let argv = step.argv { object["argv"] = .array(argv.map { .string($0) }) }
        return .object(object)
    }

    /// The supervisor step `encode` wrote, or `nil` for anything else.
    package static func decodeStep(_ object: [String: Any]) -> SessionStep? {
        guard let action = (object["action"] as? String).flatMap(SessionStep.Action.init(rawValue:)),
            let subject = object["subject"] as? String
        else { return nil }
        return SessionStep(action, subject: subject, performer: .supervisor, argv: object["argv"] as? [String])
    }
}
