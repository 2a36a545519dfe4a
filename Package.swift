// swift-tools-version:6.0
// mino: a sandbox for AI coding agents, built as a declarative policy compiler.
// No package dependencies: only the toolchain (Foundation, Dispatch, Glibc, XCTest/Swift Testing).

import PackageDescription

let package = Package(
    name: "mino",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "PolicyModel", targets: ["PolicyModel"]),
        .library(name: "PolicyCompiler", targets: ["PolicyCompiler"]),
        .library(name: "Backends", targets: ["Backends"]),
        .executable(name: "mino", targets: ["mino"]),
        .executable(name: "toml-decoder", targets: ["toml-decoder"]),
    ],
    targets: [
        // The IR and the diagnostics every phase reports with. Foundation only.
        .target(name: "PolicyModel", exclude: ["README.md"]),
        // TOML front end, config schema, merge, validation, trust decisions. Pure.
        .target(name: "PolicyCompiler", dependencies: ["PolicyModel"], exclude: ["README.md"]),
        // Pure renderers from SandboxPolicy + HostFacts to artifacts. Never imports PolicyCompiler.
        .target(name: "Backends", dependencies: ["PolicyModel"], exclude: ["README.md"]),
        // The one planner: configuration sources, request and host facts to a SessionPlan (the
        // final policy, every artifact, the ordered steps the executor performs). Pure.
        .target(
            name: "SessionPlanning", dependencies: ["PolicyModel", "PolicyCompiler", "Backends"],
            exclude: ["README.md"]),
        // CLI parser, commands and the executor: the only layer that does I/O.
        .target(
            name: "MinoKit", dependencies: ["PolicyModel", "PolicyCompiler", "Backends", "SessionPlanning"],
            exclude: ["README.md"]),
        .executableTarget(name: "mino", dependencies: ["MinoKit"]),
        .executableTarget(name: "toml-decoder", dependencies: ["PolicyCompiler"]),

        .target(name: "TestSupport", dependencies: ["PolicyModel", "PolicyCompiler"], path: "Tests/TestSupport"),
        .testTarget(name: "PolicyModelTests", dependencies: ["PolicyModel", "TestSupport"]),
        .testTarget(name: "PolicyCompilerTests", dependencies: ["PolicyCompiler", "TestSupport"]),
        .testTarget(name: "BackendsTests", dependencies: ["Backends", "TestSupport"]),
        .testTarget(
            name: "GoldenTests",
            dependencies: ["MinoKit", "SessionPlanning", "PolicyCompiler", "Backends", "TestSupport"],
            exclude: ["Cases", "README.md"]),
        // Real podman, rootless and rootful: opt-in with MINO_INTEGRATION=1 (always on under CI).
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport"]),
        .testTarget(
            name: "MinoKitTests", dependencies: ["MinoKit", "SessionPlanning", "TestSupport"], exclude: ["Snapshots"]),
    ]
)
