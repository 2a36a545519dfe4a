import Foundation
import Testing

/// Whether the real-podman tests run: `MINO_INTEGRATION=1` (set by scripts/test under CI).
enum IntegrationGate {
    static var isEnabled: Bool { ProcessInfo.processInfo.environment["MINO_INTEGRATION"] == "1" }
}
