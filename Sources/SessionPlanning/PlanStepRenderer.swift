import Diagnostics
import PolicyModel

/// The steps of a plan as text (numbered, each process argv display-quoted) and as JSON.
enum PlanStepRenderer {
    static func text(_ steps: [SessionStep]) -> String {
        var out = ""
        for (index, step) in steps.enumerated() {
            let by = step.performer == .run ? "" : " (by the \(step.performer.rawValue))"
            out += "\(index + 1). \(step.action.rawValue) \(ShellQuoting.displayQuote(step.subject))\(by)\n"
            if let check = step.check { out += "     check: " + quoted(check) + "\n" }
            if let argv = step.argv { out += "     run:   " + quoted(argv) + "\n" }
            if let input = step.input { out += "     stdin: " + input + "\n" }
            if !step.environment.isEmpty {
                out += "     env:   " + step.environment.joined(separator: " ") + " (values never shown)\n"
            }
            if let when = step.when { out += "     when:  " + when + "\n" }
        }
        return out
    }

    static func json(_ steps: [SessionStep]) -> JSONValue {
        .array(
            steps.map { step in
                var object: [String: JSONValue] = [
                    "action": .string(step.action.rawValue), "subject": .string(step.subject),
                    "performer": .string(step.performer.rawValue),
                ]
                if let check = step.check { object["check"] = .array(check.map { .string($0) }) }
                if let argv = step.argv { object["argv"] = .array(argv.map { .string($0) }) }
                if let when = step.when { object["when"] = .string(when) }
                if let input = step.input { object["input"] = .string(input) }
                if !step.environment.isEmpty { object["environment"] = .array(step.environment.map { .string($0) }) }
                return .object(object)
            })
    }

    private static func quoted(_ argv: [String]) -> String {
        argv.map(ShellQuoting.displayQuote).joined(separator: " ")
    }
}
