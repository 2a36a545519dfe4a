/// A value of the policy together with where it came from.
///
/// INVARIANT: equality and hashing look at `value` only, so two policies compiled from
/// different files are equal when they mean the same thing.
public struct Sourced<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The value.
    public var value: Value
    /// Where it was set.
    public var origin: Origin

    /// Pairs a value with its origin.
    public init(_ value: Value, _ origin: Origin) {
        self.value = value
        self.origin = origin
    }

    public static func == (lhs: Sourced, rhs: Sourced) -> Bool { lhs.value == rhs.value }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
