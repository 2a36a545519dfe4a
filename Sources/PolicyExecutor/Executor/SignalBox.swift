import Foundation
import HostProcess

/// The first stop signal received while attached (later ones are ignored).
package final class SignalBox: @unchecked Sendable {
    private let lock = NSLock()
    private var signal: ForwardedSignal?

    /// Records `signal` if none was recorded yet; returns whether it was the first.
    package func set(_ signal: ForwardedSignal) -> Bool {
        lock.withLock {
            guard self.signal == nil else { return false }
            self.signal = signal
            return true
        }
    }

    package var value: ForwardedSignal? { lock.withLock { signal } }
}
