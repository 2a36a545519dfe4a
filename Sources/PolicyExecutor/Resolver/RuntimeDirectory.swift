import Foundation

#if canImport(Glibc)
    import Glibc

    /// A session's runtime directory and its parent, made or checked private to this user: the
    /// hook definition, the ruleset and the resolver's socket in it decide what fence the
    /// container gets, so nobody else may be able to replace them (a shared `/tmp` parent made
    /// by someone else is refused, not used).
    package enum RuntimeDirectory {
        /// Creates (0700) or checks `directory` and its parent; the reason when either is not a
        /// directory of this user that only this user can write.
        package static func ensurePrivate(_ directory: String) -> String? {
            let parent = (directory as NSString).deletingLastPathComponent
            for path in [parent, directory] {
                if mkdir(path, 0o700) != 0, errno != EEXIST {
                    return "cannot create `\(path)`: \(String(cString: strerror(errno)))"
                }
                var status = stat()
                guard lstat(path, &status) == 0 else { return "cannot inspect `\(path)`" }
                guard status.st_mode & S_IFMT == S_IFDIR else { return "`\(path)` is not a directory" }
                guard status.st_uid == getuid() else { return "`\(path)` belongs to another user" }
                guard status.st_mode & 0o022 == 0 else { return "`\(path)` is writable by others" }
            }
            return nil
        }
    }
#endif
