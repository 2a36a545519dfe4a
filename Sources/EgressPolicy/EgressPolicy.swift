/// The engine's namespace.
public enum EgressPolicy {}
