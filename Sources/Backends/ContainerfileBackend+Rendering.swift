import Diagnostics
import PolicyModel

extension ContainerfileBackend {
    /// The Containerfile, each line with the manifest entry (or setting) it comes from.
    static func containerfileLines(
        _ layers: [ResolvedLayer], baseImage: Sourced<String>, imageID: String?, environment: [LayerVariable],
        pathPrepend: [Sourced<String>]
    ) -> [ArtifactLine] {
        var lines = [ArtifactLine]()
        func add(_ text: String, _ origin: Origin? = nil) { lines.append(ArtifactLine(text, origin: origin)) }
        add("FROM " + (imageID ?? baseImage.value), baseImage.origin)
        if imageID != nil { add("# base image: \(baseImage.value)", baseImage.origin) }
        let names = layers.map(\.name).joined(separator: ",")
        add("LABEL \(layersLabel)=" + ContainerfileQuoting.quote(names), layers.first?.requested.origin)
        add("USER root")

        var seen = Set<String>()
        let packages = layers.flatMap(\.manifest.rootPackages).filter { seen.insert($0.value).inserted }
        if !packages.isEmpty {
            add("")
            add("# Root packages of the layers, with the base image's package manager.")
            add("RUN set -eu; set -- \\")
            for (index, package) in packages.enumerated() {
                let end = index == packages.count - 1 ? "; \\" : " \\"
                add("        " + ShellQuoting.quote(package.value) + end, package.origin)
            }
            for text in [
                "    if command -v apt-get >/dev/null 2>&1; then \\",
                "        apt-get update; \\",
                "        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \"$@\"; \\",
                "        rm -rf /var/lib/apt/lists/*; \\",
                "    elif command -v dnf >/dev/null 2>&1; then \\",
                "        dnf install -y --setopt=install_weak_deps=False \"$@\"; \\",
                "        dnf clean all; \\",
                "    else \\",
                "        echo 'mino: the base image has neither apt-get nor dnf' >&2; exit 1; \\",
                "    fi",
            ] {
                add(text)
            }
        }
        for layer in layers {
            guard layer.installScript != nil else { continue }
            let script = scriptName(layer.name)
            let target = "/tmp/mino-" + script
            let file = SourceFile(
                path: layer.directory + "/" + ResolvedLayer.installScriptFileName, bytes: layer.installScript ?? [])
            let origin = Origin.file(FileSpan(file: file, span: .point(0)))
            add("")
            add("# Layer \(layer.name) (\(layer.scope.rawValue)), content sha256 \(layer.contentHash.prefix(12))")
            add("COPY \(script) \(target)", origin)
            add("RUN chmod 0755 \(target) && \(target) && rm -f \(target)", origin)
        }

        add("")
        add("USER \(imageUser)")
        var variables = environment.map {
            ArtifactLine("ENV \($0.name)=" + ContainerfileQuoting.quote($0.value), origin: $0.origin)
        }
        if let first = pathPrepend.first {
            let value = ContainerfileQuoting.quote(pathPrepend.map(\.value).joined(separator: ":") + ":")
            // `${PATH}` is the one expansion on purpose: the base image's PATH follows the layers'.
            variables.append(ArtifactLine("ENV PATH=" + value.dropLast() + "${PATH}\"", origin: first.origin))
        }
        lines += variables.sorted { $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) }
        return lines
    }

    /// The SHA-256 (hex) naming a composed image; see the type's documentation for the fields.
    static func composedDigest(
        baseImage: String, imageID: String?, containerfile: String, layers: [ResolvedLayer]
    ) -> String {
        var hasher = SHA256()
        func field(_ bytes: [UInt8]) {
            var count = UInt64(bytes.count)
            var prefix = [UInt8](repeating: 0, count: 8)
            for index in (0..<8).reversed() {
                prefix[index] = UInt8(truncatingIfNeeded: count)
                count >>= 8
            }
            hasher.update(prefix)
            hasher.update(bytes)
        }
        func field(_ text: String) { field(Array(text.utf8)) }
        func list(_ values: [String]) {
            field(String(values.count))
            for value in values { field(value) }
        }
        field("mino-composed/1")
        field(baseImage)
        field(imageID ?? "")
        field(containerfile)
        for layer in layers.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            let manifest = layer.manifest
            field(layer.name)
            field(manifest.version.value)
            field(String(layer.files.count))
            for file in layer.files {
                field(file.path)
                field(file.bytes)
            }
            list(manifest.rootPackages.map(\.value))
            field(manifest.userInstall?.manifestEntry(name: layer.name).rendered() ?? "")
            list(manifest.environment.flatMap { [$0.name, $0.value] })
            list(manifest.pathPrepend.map(\.value))
        }
        return hasher.finalize().hex
    }
}
