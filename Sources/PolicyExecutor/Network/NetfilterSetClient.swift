#if canImport(Glibc)
    import Foundation
    import Glibc
    import PolicyModel

    /// Adds pins to, and reads elements and counters from, the nftables sets of one network
    /// namespace over an `AF_NETLINK`/`NETLINK_NETFILTER` socket, without starting a process.
    ///
    /// The socket decides the namespace: a netlink socket talks to the namespace it was created
    /// in for its whole life, whichever process later holds it. So a short helper that has
    /// entered the session's namespace opens it (`openInCurrentNamespace`) and hands the
    /// descriptor to mino's resolver, which stays on the host side.
    ///
    /// The kernel checks `CAP_NET_ADMIN` over the namespace's user namespace twice per message:
    /// for whoever opened the socket, and for whoever sends on it. A user who owns the user
    /// namespace (rootless podman's) holds every capability in it from outside, so an
    /// unprivileged resolver can send on a socket its helper opened inside
    /// (`NetfilterSetClientTests.rootlessOwnerAddsPinsThroughAHandedOverSocket`); a socket opened
    /// in any other namespace is refused with `EPERM`.
    ///
    /// Each call is one request and its answers; calls are serialised by a lock, so the client
    /// may be shared between threads.
    package final class NetfilterSetClient: @unchecked Sendable {
        /// How long a call waits for each answer of the kernel before it fails.
        package static let defaultReplyTimeoutMilliseconds: Int32 = 5000
        /// Elements per `NFT_MSG_NEWSETELEM` message, so no message nears the socket's buffer
        /// size; a larger `add` sends several messages in the same batch.
        static let elementsPerMessage = 256

        /// The netlink socket, owned: closed by `deinit`.
        private let descriptor: Int32
        /// How long each wait for an answer may take.
        private let replyTimeoutMilliseconds: Int32
        /// Serialises calls: each is a request and its answers on the one socket.
        private let lock = NSLock()
        /// The next `nlmsg_seq`; guarded by `lock`. Starts from the clock, as nft does, so answers
        /// meant for an earlier holder of the socket are not mistaken for ours.
        private var sequence = UInt32(truncatingIfNeeded: time(nil))

        /// Wraps an open netfilter netlink socket and **takes ownership of it**: the client closes
        /// `descriptor` when it is released, so the caller must not close or reuse it.
        package init(descriptor: Int32, replyTimeoutMilliseconds: Int32 = defaultReplyTimeoutMilliseconds) {
            self.descriptor = descriptor
            self.replyTimeoutMilliseconds = replyTimeoutMilliseconds
        }

        /// Closes the socket.
        deinit {
            _ = Glibc.close(descriptor)
        }

        /// Opens a netfilter netlink socket (close-on-exec) in the calling thread's network
        /// namespace: what the helper inside the session's namespace calls before handing the
        /// descriptor over. The caller owns it.
        ///
        /// - Throws: `NetlinkError` (`systemCall`) with the `errno` of `socket`.
        package static func openInCurrentNamespace() throws(NetlinkError) -> Int32 {
            let type = Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let descriptor = socket(AF_NETLINK, type, Netlink.netfilterProtocol)
            guard descriptor >= 0 else {
                throw NetlinkError(.systemCall, code: errno, operation: "open a netfilter netlink socket")
            }
            return descriptor
        }

        /// Adds `elements` to the pin set `set` of the `inet` table `table`, each with a timeout of
        /// `timeoutMilliseconds`, in one batch (one transaction: all are added or none).
        ///
        /// An element that is already in the set is updated, not duplicated: its timeout becomes
        /// `timeoutMilliseconds` and its expiry restarts from now (the expiration is sent with
        /// the timeout: a re-add with the same timeout alone keeps the old expiry), whether that is longer or
        /// shorter than what it had. The last answer wins, so a caller that must never shorten a
        /// pin passes the longest timeout it still needs. Measured on Linux 6.18
        /// (`pinsAreAddedWithTimeoutsAndReAddingRefreshesThem`); older kernels, as the nftables
        /// wiki documents them, kept an existing element's timeout and expiry, so there a refresh
        /// would need a delete and an add in one batch.
        ///
        /// - Parameters:
        ///   - elements: pins of one address family (the set's); none is a no-op.
        ///   - table: the `inet` table (`NftablesBackend.tableName`).
        ///   - set: the pin set (`NftablesBackend.pinnedSet(for:)`).
        ///   - timeoutMilliseconds: 1 or more.
        /// - Throws: `NetlinkError`: `invalidArgument` for mixed families or a timeout of 0,
        ///   `kernel` with the kernel's `errno` (`ENOENT`, `EPERM`, `EINVAL`), `systemCall`,
        ///   `timedOut`.
        package func add(
            _ elements: [PinnedElement], table: String, set: String, timeoutMilliseconds: UInt64
        ) throws(NetlinkError) {
            let operation = "add elements to \(table) \(set)"
            guard let family = elements.first?.address.family else { return }
            // A key for every element, or none: a key is missing only when the families differ.
            let layout = SetKeyLayout.pinned(family)
            let keys = elements.compactMap { layout.key(for: $0) }
            guard timeoutMilliseconds > 0, keys.count == elements.count else {
                throw NetlinkError(.invalidArgument, operation: operation)
            }
            lock.lock()
            defer { lock.unlock() }

            var writer = NetlinkWriter()
            let begin = nextSequence()
            writer.beginMessage(
                type: Netlink.MessageType.batchBegin, flags: Netlink.Flags.request, sequence: begin,
                family: Netlink.unspecifiedFamily, resourceID: Netlink.nftablesSubsystem)
            writer.endMessage()
            var pending = Set<UInt32>()
            for start in stride(from: 0, to: keys.count, by: Self.elementsPerMessage) {
                let sequence = nextSequence()
                pending.insert(sequence)
                writer.beginMessage(
                    type: Netlink.nftablesType(Netlink.NftablesMessage.newSetElement),
                    flags: Netlink.Flags.request | Netlink.Flags.create | Netlink.Flags.acknowledge,
                    sequence: sequence, family: Netlink.inetFamily)
                writer.attribute(SetElementAttribute.listTable, string: table)
                writer.attribute(SetElementAttribute.listSet, string: set)
                writer.nested(SetElementAttribute.listElements) { list in
                    for key in keys[start..<min(start + Self.elementsPerMessage, keys.count)] {
                        list.nested(SetElementAttribute.listElement) { item in
                            item.nested(SetElementAttribute.key) { $0.attribute(SetElementAttribute.dataValue, key) }
                            item.attribute(SetElementAttribute.timeout, bigEndian: timeoutMilliseconds)
                            // The expiration too: without it, Linux 6.18 leaves the expiry of an
                            // element re-added with the same timeout where it was.
                            item.attribute(SetElementAttribute.expiration, bigEndian: timeoutMilliseconds)
                        }
                    }
                }
                writer.endMessage()
            }
            let end = nextSequence()
            writer.beginMessage(
                type: Netlink.MessageType.batchEnd, flags: Netlink.Flags.request, sequence: end,
                family: Netlink.unspecifiedFamily, resourceID: Netlink.nftablesSubsystem)
            writer.endMessage()

            try send(writer.bytes, operation: operation)
            // One acknowledgement per element message. A refusal carries the sequence number of
            // the message that failed, or of the batch start when the whole batch was refused
            // (EPERM), and means nothing was added.
            try receive(operation: operation) { (message) throws(NetlinkError) -> Bool in
                guard message.type == Netlink.MessageType.error, (begin...end).contains(message.sequence) else {
                    return false
                }
                guard let code = message.errorCode else { throw NetlinkError(.malformedReply, operation: operation) }
                if code != 0 { throw NetlinkError(.kernel, code: -code, operation: operation) }
                pending.remove(message.sequence)
                return pending.isEmpty
            }
        }

        /// Every element of the set `set` of the `inet` table `table`: key decoded, counters,
        /// timeout and time left when the set has them.
        ///
        /// - Throws: `NetlinkError`: `unsupportedKey` when the key is not an address optionally
        ///   followed by a protocol and a port, `kernel` with the kernel's `errno` (`ENOENT`:
        ///   no such table or set), `malformedReply`, `systemCall`, `timedOut`.
        package func elements(table: String, set: String) throws(NetlinkError) -> [SetElement] {
            let operation = "list the elements of \(table) \(set)"
            lock.lock()
            defer { lock.unlock() }
            let layout = try keyLayout(table: table, set: set)

            var writer = NetlinkWriter()
            let sequence = nextSequence()
            writer.beginMessage(
                type: Netlink.nftablesType(Netlink.NftablesMessage.getSetElement),
                flags: Netlink.Flags.request | Netlink.Flags.dump, sequence: sequence, family: Netlink.inetFamily)
            writer.attribute(SetElementAttribute.listTable, string: table)
            writer.attribute(SetElementAttribute.listSet, string: set)
            writer.endMessage()
            try send(writer.bytes, operation: operation)

            var result = [SetElement]()
            try receive(operation: operation) { (message) throws(NetlinkError) -> Bool in
                guard message.sequence == sequence else { return false }
                switch message.type {
                case Netlink.MessageType.done, Netlink.MessageType.error:
                    let code = message.errorCode ?? 0
                    if code != 0 { throw NetlinkError(.kernel, code: -code, operation: operation) }
                    return message.type == Netlink.MessageType.done
                case Netlink.nftablesType(Netlink.NftablesMessage.newSetElement):
                    let attributes = try NetlinkAttributes(message.payload)
                    guard let list = attributes[SetElementAttribute.listElements] else { return false }
                    for item in try NetlinkAttributes(list).all(SetElementAttribute.listElement) {
                        if let element = try Self.element(item, layout: layout, operation: operation) {
                            result.append(element)
                        }
                    }
                    return false
                default:
                    return false
                }
            }
            return result
        }

        /// The key layout of a set, from its `NFTA_SET_KEY_TYPE` and `NFTA_SET_KEY_LEN`
        /// (`NFT_MSG_GETSET`). The caller holds `lock`.
        private func keyLayout(table: String, set: String) throws(NetlinkError) -> SetKeyLayout {
            let operation = "read the key type of \(table) \(set)"
            var writer = NetlinkWriter()
            let sequence = nextSequence()
            writer.beginMessage(
                type: Netlink.nftablesType(Netlink.NftablesMessage.getSet),
                flags: Netlink.Flags.request | Netlink.Flags.acknowledge, sequence: sequence,
                family: Netlink.inetFamily)
            writer.attribute(SetAttribute.table, string: table)
            writer.attribute(SetAttribute.name, string: set)
            writer.endMessage()
            try send(writer.bytes, operation: operation)

            var found: (type: UInt32, length: UInt32)?
            try receive(operation: operation) { (message) throws(NetlinkError) -> Bool in
                guard message.sequence == sequence else { return false }
                switch message.type {
                case Netlink.MessageType.error:
                    guard let code = message.errorCode else {
                        throw NetlinkError(.malformedReply, operation: operation)
                    }
                    if code != 0 { throw NetlinkError(.kernel, code: -code, operation: operation) }
                    return true
                case Netlink.nftablesType(Netlink.NftablesMessage.newSet):
                    let attributes = try NetlinkAttributes(message.payload)
                    if let type = attributes.bigEndian32(SetAttribute.keyType),
                        let length = attributes.bigEndian32(SetAttribute.keyLength)
                    {
                        found = (type, length)
                    }
                    return false
                default:
                    return false
                }
            }
            guard let found else { throw NetlinkError(.malformedReply, operation: operation) }
            guard let layout = SetKeyLayout(keyType: found.type, keyLength: Int(found.length)) else {
                throw NetlinkError(.unsupportedKey, operation: operation)
            }
            return layout
        }

        /// One `NFTA_LIST_ELEM` of a dump, or `nil` for an element without a key (a catch-all).
        private static func element(
            _ bytes: ArraySlice<UInt8>, layout: SetKeyLayout, operation: String
        ) throws(NetlinkError) -> SetElement? {
            let attributes = try NetlinkAttributes(bytes)
            guard let keyData = attributes[SetElementAttribute.key] else { return nil }
            guard let value = try NetlinkAttributes(keyData)[SetElementAttribute.dataValue],
                let key = layout.decode(value)
            else { throw NetlinkError(.malformedReply, operation: operation) }
            var element = SetElement(address: key.address, ipProtocol: key.ipProtocol, port: key.port)
            element.timeoutMilliseconds = attributes.bigEndian64(SetElementAttribute.timeout)
            element.expiresInMilliseconds = attributes.bigEndian64(SetElementAttribute.expiration)
            // One expression comes as NFTA_SET_ELEM_EXPR, several as a list in
            // NFTA_SET_ELEM_EXPRESSIONS.
            var expressions = [ArraySlice<UInt8>]()
            if let single = attributes[SetElementAttribute.expression] { expressions.append(single) }
            if let list = attributes[SetElementAttribute.expressions] {
                expressions += try NetlinkAttributes(list).all(SetElementAttribute.listElement)
            }
            for expression in expressions {
                let parts = try NetlinkAttributes(expression)
                guard parts.string(ExpressionAttribute.name) == "counter",
                    let data = parts[ExpressionAttribute.data]
                else { continue }
                let counter = try NetlinkAttributes(data)
                element.bytes = counter.bigEndian64(ExpressionAttribute.counterBytes)
                element.packets = counter.bigEndian64(ExpressionAttribute.counterPackets)
            }
            return element
        }

        /// A fresh `nlmsg_seq`. The caller holds `lock`.
        private func nextSequence() -> UInt32 {
            sequence &+= 1
            return sequence
        }

        /// Sends one datagram (a message or a whole batch) to the kernel.
        private func send(_ bytes: [UInt8], operation: String) throws(NetlinkError) {
            while true {
                let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
                if sent == bytes.count { return }
                if sent < 0, errno == EINTR { continue }
                throw NetlinkError(.systemCall, code: sent < 0 ? errno : EMSGSIZE, operation: operation)
            }
        }

        /// Reads datagrams and hands each message to `handle` until it returns `true`.
        private func receive(
            operation: String, _ handle: (NetlinkMessage) throws(NetlinkError) -> Bool
        ) throws(NetlinkError) {
            // Dumps come in datagrams of at most 32 KiB (the kernel's cap); twice that never truncates.
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&waiting, 1, replyTimeoutMilliseconds)
                if ready < 0, errno == EINTR { continue }
                guard ready >= 0 else { throw NetlinkError(.systemCall, code: errno, operation: operation) }
                guard ready > 0 else { throw NetlinkError(.timedOut, operation: operation) }
                let count = buffer.withUnsafeMutableBytes {
                    recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_TRUNC))
                }
                if count < 0, errno == EINTR { continue }
                // ENOBUFS: the kernel dropped answers because the socket's buffer was full.
                guard count >= 0 else { throw NetlinkError(.systemCall, code: errno, operation: operation) }
                guard count <= buffer.count else { throw NetlinkError(.malformedReply, operation: operation) }
                for message in try NetlinkMessage.split(buffer[0..<count]) {
                    if message.type == Netlink.MessageType.overrun {
                        throw NetlinkError(.systemCall, code: ENOBUFS, operation: operation)
                    }
                    if try handle(message) { return }
                }
            }
        }
    }

    /// `enum nft_set_elem_list_attributes`, `enum nft_set_elem_attributes`, `NFTA_LIST_ELEM` and
    /// `NFTA_DATA_VALUE`.
    private enum SetElementAttribute {
        /// `NFTA_SET_ELEM_LIST_TABLE`.
        static let listTable: UInt16 = 1
        /// `NFTA_SET_ELEM_LIST_SET`.
        static let listSet: UInt16 = 2
        /// `NFTA_SET_ELEM_LIST_ELEMENTS`.
        static let listElements: UInt16 = 3
        /// `NFTA_LIST_ELEM`.
        static let listElement: UInt16 = 1
        /// `NFTA_SET_ELEM_KEY`.
        static let key: UInt16 = 1
        /// `NFTA_SET_ELEM_TIMEOUT`: big-endian milliseconds.
        static let timeout: UInt16 = 4
        /// `NFTA_SET_ELEM_EXPIRATION`: big-endian milliseconds left.
        static let expiration: UInt16 = 5
        /// `NFTA_SET_ELEM_EXPR`.
        static let expression: UInt16 = 7
        /// `NFTA_SET_ELEM_EXPRESSIONS`.
        static let expressions: UInt16 = 11
        /// `NFTA_DATA_VALUE`.
        static let dataValue: UInt16 = 1
    }

    /// `enum nft_set_attributes`.
    private enum SetAttribute {
        /// `NFTA_SET_TABLE`.
        static let table: UInt16 = 1
        /// `NFTA_SET_NAME`.
        static let name: UInt16 = 2
        /// `NFTA_SET_KEY_TYPE`: big-endian.
        static let keyType: UInt16 = 4
        /// `NFTA_SET_KEY_LEN`: big-endian.
        static let keyLength: UInt16 = 5
    }

    /// `enum nft_expr_attributes` and `enum nft_counter_attributes`.
    private enum ExpressionAttribute {
        /// `NFTA_EXPR_NAME`.
        static let name: UInt16 = 1
        /// `NFTA_EXPR_DATA`.
        static let data: UInt16 = 2
        /// `NFTA_COUNTER_BYTES`: big-endian.
        static let counterBytes: UInt16 = 1
        /// `NFTA_COUNTER_PACKETS`: big-endian.
        static let counterPackets: UInt16 = 2
    }
#endif
