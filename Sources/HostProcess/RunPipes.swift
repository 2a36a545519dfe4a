import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// The pipes of one `SystemCommandRunner.run`: one per fed or captured stream, and the one
    /// whose end signals that the child ended.
    package struct RunPipes {
        /// The child's input, when the spec gives bytes.
        private(set) var input: Descriptor.Pipe?
        /// The child's output, when captured.
        private(set) var output: Descriptor.Pipe?
        /// The child's error, when captured.
        private(set) var error: Descriptor.Pipe?
        /// Closed by `ProcessSupervisor.notifyExit` when the child ended.
        private(set) var exitNotice = Descriptor.Pipe(read: -1, write: -1)

        /// Creates the pipes `spec` needs; mino's ends do not block. Nothing stays open on failure.
        package init(_ spec: ProcessSpec) throws(SystemCallError) {
            do {
                if case .bytes = spec.input {
                    let pipe = try Descriptor.makePipe()
                    input = pipe
                    try Descriptor.setNonBlocking(pipe.write)
                }
                if spec.output == .capture {
                    let pipe = try Descriptor.makePipe()
                    output = pipe
                    try Descriptor.setNonBlocking(pipe.read)
                }
                if spec.error == .capture {
                    let pipe = try Descriptor.makePipe()
                    error = pipe
                    try Descriptor.setNonBlocking(pipe.read)
                }
                exitNotice = try Descriptor.makePipe()
            } catch {
                closeAll()
                throw error
            }
        }

        /// Closes the ends the child got copies of.
        package func closeChildEnds() {
            for descriptor in [input?.read, output?.write, error?.write].compactMap({ $0 }) {
                Descriptor.close(descriptor)
            }
        }

        /// Closes every end (when the child could not be started).
        package func closeAll() {
            for pipe in [input, output, error, exitNotice].compactMap({ $0 }) {
                for descriptor in [pipe.read, pipe.write] where descriptor >= 0 {
                    Descriptor.close(descriptor)
                }
            }
        }
    }
#endif
