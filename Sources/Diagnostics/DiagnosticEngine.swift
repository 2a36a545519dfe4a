import Foundation

/// Collects the diagnostics of a run: warnings that do not stop a phase and the errors that do.
///
/// Handlers see each diagnostic as it is emitted (the command line prints them); the engine
/// also keeps them so a command can decide its exit status from `hasErrors`.
public final class DiagnosticEngine: @unchecked Sendable {
    /// Called for every emitted diagnostic, after promotion of warnings to errors.
    public typealias Handler = @Sendable (Diagnostic) -> Void

    private let lock = NSLock()
    private var handlers: [Handler]
    private var collected: [Diagnostic] = []

    /// When set, every warning is emitted as an error (`--warnings-as-errors`).
    public let warningsAsErrors: Bool

    /// Creates an engine with optional handlers.
    public init(warningsAsErrors: Bool = false, handlers: [Handler] = []) {
        self.warningsAsErrors = warningsAsErrors
        self.handlers = handlers
    }

    /// Adds a handler for diagnostics emitted from now on.
    public func addHandler(_ handler: @escaping Handler) {
        lock.withLock { handlers.append(handler) }
    }

    /// Records a diagnostic and passes it to every handler.
    public func emit(_ diagnostic: Diagnostic) {
        var diagnostic = diagnostic
        if warningsAsErrors, diagnostic.severity == .warning {
            diagnostic.severity = .error
        }
        let current = lock.withLock { () -> [Handler] in
            collected.append(diagnostic)
            return handlers
        }
        for handler in current {
            handler(diagnostic)
        }
    }

    /// Records several diagnostics in order.
    public func emit(contentsOf diagnostics: some Sequence<Diagnostic>) {
        for diagnostic in diagnostics {
            emit(diagnostic)
        }
    }

    /// Every diagnostic emitted so far, in order.
    public var diagnostics: [Diagnostic] {
        lock.withLock { collected }
    }

    /// Whether any error was emitted.
    public var hasErrors: Bool {
        lock.withLock { collected.contains { $0.severity == .error } }
    }

    /// Whether any warning was emitted.
    public var hasWarnings: Bool {
        lock.withLock { collected.contains { $0.severity == .warning } }
    }
}
