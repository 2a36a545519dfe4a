import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Total cache size against `cache.max_total_gb`.
package struct CacheUsage: Equatable {
    package enum Level: Equatable {
        /// Below 80 % of the budget (or no budget).
        case ok
        /// From 80 % up to the budget.
        case warning
        /// At or above the budget.
        case exceeded
    }

    package var totalBytes: Int64
    /// `max_total_gb` × 1024³; 0 means no budget.
    package var limitBytes: Int64

    package init(totalBytes: Int64, limitGigabytes: Int64) {
        self.totalBytes = totalBytes
        self.limitBytes = limitGigabytes * 1024 * 1024 * 1024
    }

    package var percent: Double { limitBytes > 0 ? Double(totalBytes) * 100 / Double(limitBytes) : 0 }

    package var level: Level {
        guard limitBytes > 0 else { return .ok }
        if totalBytes >= limitBytes { return .exceeded }
        return totalBytes * 5 >= limitBytes * 4 ? .warning : .ok
    }

    /// `12.3 GB / 50.0 GB (25%)`, or the total alone without a budget.
    package var summary: String {
        guard limitBytes > 0 else { return Self.format(totalBytes) + " (no limit)" }
        return "\(Self.format(totalBytes)) / \(Self.format(limitBytes)) (\(Int(percent.rounded()))%)"
    }

    /// The warning `mino run` prints, or `nil` below 80 %.
    package var runWarning: String? {
        switch level {
        case .ok: return nil
        case .warning: return "cache usage at \(summary); consider running `mino cache gc`"
        case .exceeded: return "cache limit exceeded: \(summary); run `mino cache gc`"
        }
    }

    /// Bytes in binary units: `1.5 GB` (GiB), `3.2 MB`, `4.0 KB`, `12 B`.
    package static func format(_ bytes: Int64) -> String {
        let units: [(Int64, String)] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
        for (size, unit) in units where bytes >= size {
            let tenths = (bytes * 10 + size / 2) / size
            return "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(bytes) B"
    }
}
