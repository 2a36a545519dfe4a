import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// GNU extensions of glibc that Swift's `Glibc` module leaves out (it is not built with
    /// `_GNU_SOURCE`), looked up by name in the C library that is already loaded.
    ///
    /// Each is `nil` when the C library lacks it; callers document their fallback.
    package enum GlibcExtensions {
        /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29).
        package typealias AddChangeDirectory =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
        /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34).
        package typealias AddCloseFrom =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        /// `pipe2` (glibc 2.9).
        package typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32

        /// `setns` (glibc 2.14).
        package typealias SetNamespace = @convention(c) (Int32, Int32) -> Int32

        /// `CLONE_NEWNET` from `<sched.h>`; the value is part of the kernel's ABI.
        package static let newNetworkNamespaceFlag: Int32 = 0x4000_0000

        /// `POSIX_SPAWN_SETSID` from `<spawn.h>` (glibc 2.26); the value is part of glibc's ABI.
        package static let spawnSetSessionFlag: Int32 = 0x80

        /// Changes the child's working directory before it executes the program.
        package static let addChangeDirectory: AddChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")
        /// Closes every descriptor from a number on in the child.
        package static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
        /// Creates a pipe with flags (`O_CLOEXEC`) in one step, so no other thread's fork sees it open.
        package static let pipe2: Pipe2? = symbol("pipe2")

        /// Moves the calling thread into the namespace a descriptor refers to.
        package static let setNamespace: SetNamespace? = symbol("setns")

        private static func symbol<Function>(_ name: String) -> Function? {
            // The handle of the program itself searches every loaded library; it is never closed.
            guard let program = dlopen(nil, RTLD_NOW), let address = dlsym(program, name) else { return nil }
            return unsafeBitCast(address, to: Function.self)
        }
    }
#endif
