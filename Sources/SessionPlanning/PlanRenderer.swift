import Backends
import Diagnostics
import PolicyModel

/// Prints a plan: the policy with provenance, the enforcement levels on this host, every
/// artifact line by line with the policy element it came from, and the warnings. Secrets are
/// never printed: environment values travel by name only, and secret values show as
/// `<redacted>`.
package enum PlanRenderer {
    // MARK: - Text

    package static func text(_ plan: SessionPlan) -> String {
        let policy = plan.policy
        let artifacts = plan.artifacts
        let warnings = plan.warnings
        var out = "mino plan: what `mino run` would apply; nothing was started\n"
        out += "(session \(plan.sessionName)"
        out += plan.sessionNameGenerated ? ", a name drawn for this plan: each run draws its own" : ""
        out +=
            plan.resolution == .resolved
            ? ")\n" : "; names are resolved when the session starts, --resolve shows addresses)\n"
        out += section("POLICY", PolicySummary.render(policy))
        let reports = artifacts.enforcement
        if !reports.isEmpty {
            let width = reports.map { $0.element.unicodeScalars.count }.max() ?? 0
            let body = reports.map { "\($0.element.padding(width))  \($0.level.rawValue.padding(11))  \($0.note)\n" }
            out += section("ENFORCEMENT ON THIS HOST", body.joined())
        }
        if let composition = artifacts.composition {
            out += section("LAYERS", layerRows(composition))
            if let containerfile = composition.containerfile, let tag = composition.tag {
                out += section(
                    "CONTAINERFILE (podman build -t \(tag), when the image is missing)", annotated(containerfile.lines))
            }
        }
        if let podman = artifacts.podman {
            out += section("PODMAN (\(podman.form.rawValue))", annotated(podman.lines))
            if let wrapper = podman.wrapper {
                out += section(
                    "WRAPPER SCRIPT (runs as container root, then drops to the agent)", annotated(wrapper.lines))
            }
        }
        if let seccomp = artifacts.seccomp {
            out += section(
                "SECCOMP \(seccomp.path) (podman --security-opt seccomp=…; sha256 \(seccomp.profile.sha256))",
                annotated(seccomp.profile.summaryLines))
        }
        if let ruleset = artifacts.nftables, let files = artifacts.fenceFiles {
            out += section("NFTABLES \(files.rulesetFile) (loaded by the fence hook, nft -f)", annotated(ruleset.lines))
        }
        if let hook = artifacts.fenceHook, let files = artifacts.fenceFiles {
            out += section("OCI HOOK \(files.hookFile) (podman --hooks-dir)", annotated(hook.lines))
        }
        if let resolver = artifacts.resolver {
            out += section("SESSION RESOLVER (mino, host side; socket in the sandbox)", annotated(resolver.lines))
        }
        if let netfilter = artifacts.netfilter {
            out += section("NETFILTER (IPv4, iptables-restore)", annotated(netfilter.ipv4Lines))
            out += section("NETFILTER (IPv6, ip6tables-restore)", annotated(netfilter.ipv6Lines))
        }
        if let exec = artifacts.execWrapper {
            out += section("EXEC WRAPPER (mino exec re-drops the capabilities)", annotated(exec.lines))
        }
        if let anchor = artifacts.pfAnchor {
            out += section("PF ANCHOR \(anchor.anchorPath)", annotated(anchor.lines))
        }
        if let reference = artifacts.pfConf {
            out += section("PF.CONF REFERENCE", annotated(reference.lines))
        }
        if let sudoers = artifacts.sudoers {
            out += section("SUDOERS \(sudoers.path)", annotated(sudoers.lines))
        }
        if let request = artifacts.helperRequest {
            out += section("HELPER REQUEST (spawn)", annotated(request.lines))
        }
        if !plan.steps.isEmpty {
            out += section("STEPS (in order; ${…} values exist only at run time)", PlanStepRenderer.text(plan.steps))
        }
        let all = warnings + artifacts.notes
        if !all.isEmpty {
            out += section("WARNINGS", DiagnosticRenderer(format: .plain).render(all))
        }
        return out
    }

    /// A titled section with every line of `body` indented by two spaces (byte-wise: the plan
    /// is printed on every `mino plan`, so no grapheme segmentation here).
    package static func section(_ title: String, _ body: String) -> String {
        var bytes = Array("\n\(title)\n".utf8)
        bytes.reserveCapacity(bytes.count + body.utf8.count * 11 / 10)
        var atLineStart = true
        for byte in body.utf8 {
            if atLineStart {
                bytes.append(0x20)
                bytes.append(0x20)
            }
            bytes.append(byte)
            atLineStart = byte == 0x0A
        }
        if !atLineStart { bytes.append(0x0A) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lines with `# provenance` comments aligned in one column.
    package static func annotated(_ lines: [ArtifactLine]) -> String {
        let column = min(72, lines.map { $0.text.unicodeScalars.count }.max() ?? 0)
        return lines.map { line in
            guard let origin = line.origin else { return line.text + "\n" }
            return line.text.padding(column) + "  # " + Provenance.describe(origin) + "\n"
        }.joined()
    }

    // MARK: - JSON

    package static func json(_ plan: SessionPlan) -> JSONValue {
        let policy = plan.policy
        let artifacts = plan.artifacts
        let warnings = plan.warnings
        var documents = [String: JSONValue]()
        if let podman = artifacts.podman {
            let names = policy.environment.reduce(into: [String: JSONValue]()) { $0[$1.name] = $1.jsonValue }
            documents["podman"] = .object([
                "form": .string(podman.form.rawValue), "argv": .array((["podman"] + podman.argv).map { .string($0) }),
                "environment": .object(names), "lines": lines(podman.lines),
            ])
            if let wrapper = podman.wrapper { documents["wrapper"] = .string(wrapper.rendered) }
        }
        if let netfilter = artifacts.netfilter {
            documents["netfilter"] = .object(["ipv4": .string(netfilter.ipv4), "ipv6": .string(netfilter.ipv6)])
        }
        if let seccomp = artifacts.seccomp {
            documents["seccomp"] = .object([
                "path": .string(seccomp.path), "sha256": .string(seccomp.profile.sha256),
                "summary": .array(seccomp.profile.summaryLines.map { .string($0.text) }),
            ])
        }
        if let ruleset = artifacts.nftables { documents["nftables"] = .string(ruleset.rendered) }
        if let hook = artifacts.fenceHook, let files = artifacts.fenceFiles {
            documents["fence_hook"] = .object(["path": .string(files.hookFile), "text": .string(hook.rendered)])
        }
        if let resolver = artifacts.resolver { documents["resolver"] = resolver.json }
        if let exec = artifacts.execWrapper { documents["exec_wrapper"] = .string(exec.rendered) }
        if let composition = artifacts.composition { documents["layers"] = layersJSON(composition) }
        if let anchor = artifacts.pfAnchor {
            documents["pf_anchor"] = .object(["path": .string(anchor.anchorPath), "text": .string(anchor.rendered)])
        }
        if let reference = artifacts.pfConf { documents["pf_conf"] = .string(reference.rendered) }
        if let sudoers = artifacts.sudoers {
            documents["sudoers"] = .object(["path": .string(sudoers.path), "text": .string(sudoers.rendered)])
        }
        if let request = artifacts.helperRequest { documents["helper_request"] = request.json }
        return .object([
            "version": .integer(1),
            "resolved": .bool(plan.resolution == .resolved),
            "session": .object([
                "name": .string(plan.sessionName), "generated": .bool(plan.sessionNameGenerated),
                "container": .string(plan.containerName),
            ]),
            "steps": PlanStepRenderer.json(plan.steps),
            "policy": policy.jsonValue,
            "artifacts": .object(documents),
            "enforcement": .array(
                artifacts.enforcement.map {
                    .object([
                        "element": .string($0.element), "level": .string($0.level.rawValue), "note": .string($0.note),
                    ])
                }),
            "warnings": .array((warnings + artifacts.notes).map(\.jsonValue)),
        ])
    }

    package static func lines(_ lines: [ArtifactLine]) -> JSONValue {
        .array(
            lines.map { line in
                var object: [String: JSONValue] = ["text": .string(line.text)]
                if let origin = line.origin { object["from"] = .string(origin.summary) }
                return .object(object)
            })
    }
}
