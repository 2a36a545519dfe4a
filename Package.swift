// swift-tools-version:6.0
// mino: a sandbox for AI coding agents, built as a declarative policy compiler.
// No package dependencies: only the toolchain (Foundation, Dispatch, Glibc, XCTest/Swift Testing).

import PackageDescription

let package = Package(
    name: "mino",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Diagnostics", targets: ["Diagnostics"]),
        .library(name: "TOML", targets: ["TOML"]),
        .library(name: "PolicyModel", targets: ["PolicyModel"]),
        .library(name: "PolicyCompiler", targets: ["PolicyCompiler"]),
        .library(name: "Backends", targets: ["Backends"]),
        .executable(name: "mino", targets: ["mino"]),
        .executable(name: "toml-decoder", targets: ["toml-decoder"]),
    ],
    targets: [
        // Diagnostics, origins, source files, the renderers, quoting: what every phase reports with.
        .target(name: "Diagnostics", exclude: ["README.md"]),
        // The generic TOML 1.0 library: lexer, parser, located document, writer, editor.
        .target(name: "TOML", dependencies: ["Diagnostics"], exclude: ["README.md"]),
        // The IR. Foundation only.
        .target(name: "PolicyModel", dependencies: ["Diagnostics"], exclude: ["README.md"]),
        // Policy DNS and pinned egress without I/O: the DNS codec, name matching, the rebinding
        // guard, resolver decisions and decision-log records. Shared by every runtime's resolver/proxy.
        .target(name: "EgressPolicy", dependencies: ["PolicyModel"], exclude: ["README.md"]),
        // Config schema, merge, validation, presets, trust decisions, layer resolution. Pure.
        .target(name: "PolicyCompiler", dependencies: ["PolicyModel", "TOML"], exclude: ["README.md"]),
        // Pure renderers from SandboxPolicy + HostFacts to artifacts. Never imports PolicyCompiler.
        .target(name: "Backends", dependencies: ["PolicyModel"], exclude: ["README.md"]),
        // The one planner: configuration sources, request and host facts to a SessionPlan (the
        // final policy, every artifact, the ordered steps the executor performs). Pure.
        .target(
            name: "SessionPlanning", dependencies: ["PolicyModel", "EgressPolicy", "PolicyCompiler", "Backends"],
            exclude: ["README.md"]),
        // The CommandRunner seam, the posix_spawn runner, signals, descriptors, the terminal.
        .target(name: "HostProcess", dependencies: ["Diagnostics"], exclude: ["README.md"]),
        // Applies a SessionPlan: podman, the fence, state, credentials, caches, the host probe.
        .target(
            name: "PolicyExecutor",
            dependencies: [
                "Diagnostics", "PolicyModel", "EgressPolicy", "PolicyCompiler", "Backends", "SessionPlanning",
                "HostProcess",
            ],
            exclude: ["README.md"]),
        // The hand-written argument parser, help and completions.
        .target(name: "MinoCLI", dependencies: ["Diagnostics"], exclude: ["README.md"]),
        // One type per command, option groups, prompts; the only place exit codes are chosen.
        .target(
            name: "MinoCommands",
            dependencies: [
                "Diagnostics", "TOML", "PolicyModel", "EgressPolicy", "PolicyCompiler", "Backends", "SessionPlanning",
                "HostProcess", "PolicyExecutor", "MinoCLI",
            ],
            exclude: ["README.md"]),
        .executableTarget(name: "mino", dependencies: ["MinoCommands"]),
        .executableTarget(name: "toml-decoder", dependencies: ["TOML"]),

        .target(
            name: "TestSupport",
            dependencies: ["Diagnostics", "TOML", "PolicyModel", "PolicyCompiler", "HostProcess", "PolicyExecutor"],
            path: "Tests/TestSupport"),
        .testTarget(name: "PolicyModelTests", dependencies: ["Diagnostics", "PolicyModel", "TestSupport"]),
        .testTarget(name: "TOMLTests", dependencies: ["Diagnostics", "TOML", "TestSupport"]),
        .testTarget(name: "PolicyCompilerTests", dependencies: ["TOML", "PolicyCompiler", "TestSupport"]),
        .testTarget(name: "EgressPolicyTests", dependencies: ["EgressPolicy", "TestSupport"]),
        .testTarget(name: "BackendsTests", dependencies: ["Backends", "TestSupport"]),
        .testTarget(
            name: "GoldenTests",
            dependencies: [
                "MinoCommands", "MinoCLI", "SessionPlanning", "PolicyExecutor", "HostProcess", "PolicyCompiler",
                "Backends", "TestSupport",
            ],
            exclude: ["Cases", "README.md"]),
        // Real podman, rootless and rootful: opt-in with MINO_INTEGRATION=1 (always on under CI).
        .testTarget(name: "IntegrationTests", dependencies: ["Diagnostics", "TestSupport"]),
        .testTarget(
            name: "MinoCommandsTests",
            dependencies: [
                "MinoCommands", "MinoCLI", "PolicyExecutor", "HostProcess", "SessionPlanning", "TestSupport",
            ],
            exclude: ["Snapshots"]),
    ]
)
