#if canImport(Glibc)
    import Glibc

    /// A failed exchange with nf_tables over netlink: what was being done, and the `errno` the
    /// system call or the kernel's answer carried.
    package struct NetlinkError: Error, Hashable, Sendable, CustomStringConvertible {
        /// What kind of failure it was.
        package enum Kind: Hashable, Sendable {
            /// A system call (`socket`, `send`, `recv`, `poll`) failed; `code` is its `errno`.
            case systemCall
            /// The kernel refused the request; `code` is the `errno` of its `NLMSG_ERROR` (`EPERM`:
            /// no `CAP_NET_ADMIN` over the namespace; `ENOENT`: no such table or set; `EINVAL`: a
            /// key of the wrong length, such as an IPv6 address for an IPv4 set).
            case kernel
            /// No answer came within the client's timeout; `code` is `ETIMEDOUT`.
            case timedOut
            /// The answer did not parse as netlink; `code` is `EBADMSG`.
            case malformedReply
            /// The set's key is not an address optionally followed by a protocol and a port;
            /// `code` is `EPROTONOSUPPORT`.
            case unsupportedKey
            /// The request itself was refused before it was sent: one `add` held IPv4 and IPv6
            /// elements (which never fit one set), or a timeout of 0 (which would pin forever);
            /// `code` is `EINVAL`.
            case invalidArgument
        }

        /// The kind of failure.
        package var kind: Kind
        /// The `errno` value.
        package var code: Int32
        /// What was being done, as a short phrase (`add elements to inet mino pinned4`).
        package var operation: String

        /// Creates an error whose code follows from its kind.
        init(_ kind: Kind, operation: String) {
            let code: Int32
            switch kind {
            case .systemCall, .kernel: code = EIO
            case .timedOut: code = ETIMEDOUT
            case .malformedReply: code = EBADMSG
            case .unsupportedKey: code = EPROTONOSUPPORT
            case .invalidArgument: code = EINVAL
            }
            self.init(kind, code: code, operation: operation)
        }

        /// Creates an error from its parts.
        init(_ kind: Kind, code: Int32, operation: String) {
            self.kind = kind
            self.code = code
            self.operation = operation
        }

        /// `cannot <operation>: <strerror>`.
        package var description: String {
            "cannot \(operation): " + String(cString: strerror(code))
        }
    }
#endif
