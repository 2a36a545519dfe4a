/// A value of the policy together with where it came from.
///
/// INVARIANT: equality and hashing look at `value` only, so two policies compiled from
/// different files are equal when they mean the same thing.
///
/// `Hashable` is a conditional conformance rather than a constraint on `Value`, so creating a
/// `Sourced<T>` at run time needs no conformance lookup (measured: each first lookup scans the
/// whole binary's conformance table, a visible share of `mino plan`'s start-up).
import Diagnostics

public struct Sourced<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// Where it was set.
    public var origin: Origin

    /// Pairs a value with its origin.
    public init(_ value: Value, _ origin: Origin) {
        self.value = value
        self.origin = origin
    }

}

extension Sourced: Equatable where Value: Equatable {
    public static func == (lhs: Sourced, rhs: Sourced) -> Bool { lhs.value == rhs.value }
}

extension Sourced: Hashable where Value: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
