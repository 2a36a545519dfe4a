/// The engine's namespace: constants every resolver and proxy of a session shares.
public enum EgressPolicy {
    /// The loopback address, inside the session's network namespace, where the session's resolver
    /// listens (UDP and TCP port 53); the sandbox's resolv.conf names it alone.
    public static let resolverAddress = "127.0.0.1"
}
