/// The one rule for each kind of name mino accepts from users and repositories. The compiler
/// validates with these and the backends check with the same functions, so a name is never
/// accepted by one and refused by the other.

/// Session names: 1–64 characters from `A-Za-z0-9_-`, not starting with `-`.
public enum SessionName {
    /// Whether `name` may name a session (and hence a container and a state file).
    public static func isValid(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), name.first != "-" else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
                || byte == 45
        }
    }
}

/// Environment variable names mino accepts: `[A-Za-z_][A-Za-z0-9_]*`.
public enum EnvironmentName {
    /// Whether `name` is a portable environment variable name.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(48...57).contains(first) else { return false }
        return name.utf8.allSatisfy {
            ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95
        }
    }
}

/// Layer names: `[A-Za-z0-9_-]{1,64}`, not starting with `-` (it could read as an option).
///
/// A valid name is also a safe single path component (no `/`, `\`, `.` or `..`), a safe
/// Containerfile and shell word, and a safe part of a build-context file name.
public enum LayerName {
    /// Whether `name` is a valid layer name.
    public static func isValid(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), name.first != "-" else { return false }
        return name.utf8.allSatisfy {
            ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45
        }
    }
}
