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

/// A plain-text table: fixed-width columns, cells clipped with `…`, one space between them,
/// the last column unpadded.
struct TextTable {
    let widths: [Int]
    private(set) var text = ""

    init(_ columns: [(title: String, width: Int)]) {
        widths = columns.map(\.width)
        row(columns.map(\.title))
    }

    mutating func row(_ cells: [String]) {
        var line = ""
        for (index, cell) in cells.enumerated() {
            let width = index < widths.count ? widths[index] : cell.count
            let clipped = cell.count > width ? String(cell.prefix(max(width - 1, 0))) + "…" : cell
            line += index == cells.count - 1 ? clipped : clipped.padding(width) + " "
        }
        text += line + "\n"
    }

    /// `yyyy-MM-dd HH:mm` in UTC, or `-`.
    static func minute(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
