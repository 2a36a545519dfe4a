import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// Finds the program a `ProcessSpec` names.
    ///
    /// - An absolute path is used as is.
    /// - A relative path (a name containing `/`) is taken relative to mino's working directory,
    ///   never the child's, so a spec's `workingDirectory` cannot change which program runs.
    /// - A bare name is searched in the `PATH` of the spec's environment (or
    ///   `/usr/local/bin:/usr/bin:/bin` when it has none), then in `/usr/local/sbin`, `/usr/sbin`
    ///   and `/sbin`: system tools such as `iptables-restore` and `nsenter` live there and are not
    ///   on an ordinary user's `PATH`. Empty and relative `PATH` entries are skipped: they would
    ///   resolve against the current directory, which may be an untrusted project.
    ///
    /// A candidate must be a regular file (after symlinks) that mino may execute.
    package enum ExecutableLocator {
        /// The search path used when the environment has no `PATH`.
        package static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"
        /// Searched after `PATH`.
        package static let systemDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"]

        /// The absolute path of the program, or `nil` when there is none.
        package static func locate(_ executable: String, environment: [String: String]) -> String? {
            guard !executable.isEmpty, !executable.utf8.contains(0) else { return nil }
            if executable.hasPrefix("/") {
                return isRegularFile(executable) ? executable : nil
            }
            if executable.utf8.contains(UInt8(ascii: "/")) {
                guard let current = currentDirectory() else { return nil }
                let path = current.hasSuffix("/") ? current + executable : current + "/" + executable
                return isRegularFile(path) ? path : nil
            }
            for directory in searchDirectories(environment["PATH"] ?? defaultSearchPath) {
                let candidate = directory.hasSuffix("/") ? directory + executable : directory + "/" + executable
                if isRegularFile(candidate), access(candidate, X_OK) == 0 {
                    return candidate
                }
            }
            return nil
        }

        /// The directories to search, in order, without duplicates.
        package static func searchDirectories(_ searchPath: String) -> [String] {
            // Over UTF-8 bytes, deduplicated with an array: a few entries, and no grapheme or
            // hashing work on the path of every command mino runs.
            var directories: [String] = []
            let fromPath = searchPath.utf8.split(separator: UInt8(ascii: ":")).map {
                String(decoding: $0, as: UTF8.self)
            }
            for directory in fromPath + systemDirectories
            where directory.utf8.first == UInt8(ascii: "/") && !directories.contains(directory) {
                directories.append(directory)
            }
            return directories
        }

        private static func isRegularFile(_ path: String) -> Bool {
            var status = stat()
            return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        }

        private static func currentDirectory() -> String? {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard getcwd(&buffer, buffer.count) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
#endif
