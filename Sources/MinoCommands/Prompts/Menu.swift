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

/// Numbered choices asked on the terminal: the options are listed with their hints, the user
/// types a number (Enter takes the default). Used only when `CommandContext.isInteractive`;
/// an unanswerable prompt (input closed) returns `nil` and the caller takes its documented
/// default.
struct Menu {
    struct Option: Equatable {
        var label: String
        var hint: String
    }

    let context: CommandContext

    /// One choice; returns its index. Re-asks (at most three times) on an invalid answer.
    func choose(_ question: String, _ options: [Option], default defaultIndex: Int = 0) -> Int? {
        var text = "\n\(question)\n"
        let width = options.map(\.label.count).max() ?? 0
        for (index, option) in options.enumerated() {
            text += "  \(index + 1)) \(option.label.padding(width))  \(option.hint)\n"
        }
        context.standardError.write(text)
        for _ in 0..<3 {
            context.standardError.write("Choose 1-\(options.count) [\(defaultIndex + 1)]: ")
            guard let line = context.standardInput.readLine() else { return nil }
            let answer = line.trimmingCharacters(in: .whitespaces)
            if answer.isEmpty { return defaultIndex }
            if let number = Int(answer), (1...options.count).contains(number) { return number - 1 }
            context.standardError.write("Type a number from 1 to \(options.count).\n")
        }
        return nil
    }

    /// A yes/no question ending in ` [y/N] `: only `y` or `yes` (any case) is a yes; anything
    /// else, or closed input, is a no.
    func confirm(_ question: String) -> Bool {
        context.standardError.write(question + " [y/N] ")
        let answer = context.standardInput.readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }

    /// Several choices, as numbers separated by commas or spaces; at least one. Returns the
    /// indices in the order listed.
    func chooseMany(_ question: String, _ options: [Option]) -> [Int]? {
        var text = "\n\(question)\n"
        let width = options.map(\.label.count).max() ?? 0
        for (index, option) in options.enumerated() {
            text += "  \(index + 1)) \(option.label.padding(width))  \(option.hint)\n"
        }
        context.standardError.write(text)
        for _ in 0..<3 {
            context.standardError.write("Choose one or more, e.g. 1,3 [1]: ")
            guard let line = context.standardInput.readLine() else { return nil }
            let words = line.split(whereSeparator: { $0 == "," || $0 == " " })
            if words.isEmpty { return [0] }
            let numbers = words.compactMap { Int($0) }
            if numbers.count == words.count, numbers.allSatisfy({ (1...options.count).contains($0) }) {
                return Array(Set(numbers.map { $0 - 1 })).sorted()
            }
            context.standardError.write("Type numbers from 1 to \(options.count).\n")
        }
        return nil
    }
}
