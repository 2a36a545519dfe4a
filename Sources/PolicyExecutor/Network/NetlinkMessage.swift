#if canImport(Glibc)
    /// The netlink wire format nftables speaks, written and read by hand: message headers
    /// (`nlmsghdr`, host byte order), the netfilter header (`nfgenmsg`, its resource id big-endian)
    /// and attributes (`nlattr`, 4-byte aligned, nested ones flagged `NLA_F_NESTED`).
    ///
    /// nftables wants its integer attributes big-endian (`NLA_BE32`, `NLA_BE64`); the netlink
    /// headers around them are in host order. Constants are those of `<linux/netlink.h>`,
    /// `<linux/netfilter/nfnetlink.h>` and `<linux/netfilter/nf_tables.h>`.
    enum Netlink {
        /// `NETLINK_NETFILTER`: the protocol of netfilter's netlink sockets.
        static let netfilterProtocol: Int32 = 12
        /// `NFNL_SUBSYS_NFTABLES`: the high byte of every nf_tables message type.
        static let nftablesSubsystem: UInt16 = 10
        /// `NFPROTO_INET`: tables for IPv4 and IPv6 at once.
        static let inetFamily: UInt8 = 1
        /// `AF_UNSPEC`: the family of the batch delimiters.
        static let unspecifiedFamily: UInt8 = 0
        /// `sizeof(struct nlmsghdr)`.
        static let headerSize = 16
        /// `sizeof(struct nfgenmsg)`.
        static let netfilterHeaderSize = 4
        /// `sizeof(struct nlattr)`.
        static let attributeHeaderSize = 4

        /// Control message types (`NLMSG_*`) and the batch delimiters (`NFNL_MSG_BATCH_*`).
        enum MessageType {
            /// `NLMSG_ERROR`: an error, or with code 0 an acknowledgement.
            static let error: UInt16 = 2
            /// `NLMSG_DONE`: the end of a dump.
            static let done: UInt16 = 3
            /// `NLMSG_OVERRUN`: data was lost.
            static let overrun: UInt16 = 4
            /// `NFNL_MSG_BATCH_BEGIN` (`NLMSG_MIN_TYPE`): opens a transaction.
            static let batchBegin: UInt16 = 0x10
            /// `NFNL_MSG_BATCH_END`: commits it.
            static let batchEnd: UInt16 = 0x11
        }

        /// `NLM_F_*`.
        enum Flags {
            /// `NLM_F_REQUEST`: every message to the kernel.
            static let request: UInt16 = 0x1
            /// `NLM_F_ACK`: answer with an acknowledgement.
            static let acknowledge: UInt16 = 0x4
            /// `NLM_F_DUMP` (`NLM_F_ROOT | NLM_F_MATCH`): every object.
            static let dump: UInt16 = 0x300
            /// `NLM_F_CREATE` without `NLM_F_EXCL`: add, or update what exists.
            static let create: UInt16 = 0x400
        }

        /// `NFT_MSG_*`.
        enum NftablesMessage {
            /// `NFT_MSG_NEWSET`: also the type of a set described in an answer.
            static let newSet: UInt16 = 9
            /// `NFT_MSG_GETSET`.
            static let getSet: UInt16 = 10
            /// `NFT_MSG_NEWSETELEM`: adds elements; also the type of dumped ones.
            static let newSetElement: UInt16 = 12
            /// `NFT_MSG_GETSETELEM`.
            static let getSetElement: UInt16 = 13
        }

        /// `NLA_F_NESTED`.
        static let nestedFlag: UInt16 = 0x8000
        /// `NLA_F_NESTED | NLA_F_NET_BYTEORDER`, masked off to get an attribute's type.
        static let attributeFlags: UInt16 = 0xC000

        /// The nf_tables message type of `message` (`NFNL_SUBSYS_NFTABLES << 8 | message`).
        static func nftablesType(_ message: UInt16) -> UInt16 { nftablesSubsystem << 8 | message }

        /// `length` rounded up to the 4-byte alignment of messages and attributes.
        static func aligned(_ length: Int) -> Int { (length + 3) & ~3 }
    }

    /// Builds netlink messages into one buffer, ready for a single `send`: a batch is several
    /// messages back to back.
    struct NetlinkWriter {
        /// The messages written so far.
        private(set) var bytes: [UInt8] = []
        /// Offsets of the length fields still to be filled in: the open message, then open nests.
        private var open: [Int] = []

        /// Starts a message with its netfilter header.
        mutating func beginMessage(type: UInt16, flags: UInt16, sequence: UInt32, family: UInt8, resourceID: UInt16 = 0)
        {
            precondition(open.isEmpty, "a netlink message is still open")
            open.append(bytes.count)
            appendHost(UInt32(0))  // nlmsg_len, filled in by endMessage
            appendHost(type)
            appendHost(flags)
            appendHost(sequence)
            appendHost(UInt32(0))  // nlmsg_pid: 0 addresses the kernel
            bytes.append(family)
            bytes.append(0)  // NFNETLINK_V0
            bytes.append(UInt8(resourceID >> 8))
            bytes.append(UInt8(resourceID & 0xFF))
        }

        /// Closes the open message, writing its length.
        mutating func endMessage() {
            guard let start = open.popLast() else { preconditionFailure("no open netlink message") }
            precondition(open.isEmpty, "a nested attribute is still open")
            pad()
            let length = UInt32(bytes.count - start)
            bytes.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: start, as: UInt32.self) }
        }

        /// An attribute holding `payload` as is.
        mutating func attribute(_ type: UInt16, _ payload: [UInt8]) {
            appendHost(UInt16(Netlink.attributeHeaderSize + payload.count))
            appendHost(type)
            bytes.append(contentsOf: payload)
            pad()
        }

        /// A NUL-terminated string attribute (`NLA_STRING`).
        mutating func attribute(_ type: UInt16, string: String) {
            attribute(type, Array(string.utf8) + [0])
        }

        /// A big-endian 64-bit attribute (`NLA_BE64`).
        mutating func attribute(_ type: UInt16, bigEndian value: UInt64) {
            attribute(type, (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) })
        }

        /// A nested attribute whose payload `body` writes.
        mutating func nested(_ type: UInt16, _ body: (inout NetlinkWriter) -> Void) {
            let start = bytes.count
            appendHost(UInt16(0))  // nla_len, filled in below
            appendHost(type | Netlink.nestedFlag)
            open.append(start)
            body(&self)
            open.removeLast()
            // INVARIANT: every attribute written inside is padded, so the nest's length is aligned.
            let length = UInt16(bytes.count - start)
            bytes.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: start, as: UInt16.self) }
        }

        /// Zero bytes up to the next 4-byte boundary.
        private mutating func pad() {
            bytes.append(contentsOf: repeatElement(0, count: Netlink.aligned(bytes.count) - bytes.count))
        }

        /// `value` in host byte order, as netlink headers want it.
        private mutating func appendHost<Value: FixedWidthInteger>(_ value: Value) {
            withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
        }
    }

    /// One message read back from the kernel: its header fields and the bytes after `nfgenmsg`
    /// (for `NLMSG_ERROR` and `NLMSG_DONE`: the bytes after `nlmsghdr`).
    struct NetlinkMessage {
        /// `nlmsg_type`.
        var type: UInt16
        /// `nlmsg_flags`.
        var flags: UInt16
        /// `nlmsg_seq`: the sequence number of the request this answers.
        var sequence: UInt32
        /// The payload after the headers.
        var payload: ArraySlice<UInt8>

        /// The negative `errno` of an `NLMSG_ERROR` or `NLMSG_DONE` (0 for an acknowledgement or a
        /// clean end); `nil` when the payload is too short to hold one.
        var errorCode: Int32? {
            guard payload.count >= 4 else { return nil }
            return Int32(bitPattern: NetlinkBytes.hostUInt32(payload, at: payload.startIndex))
        }

        /// Splits a datagram into its messages.
        ///
        /// - Throws: `NetlinkError.malformedReply` when a length runs past the datagram.
        static func split(_ datagram: ArraySlice<UInt8>) throws(NetlinkError) -> [NetlinkMessage] {
            var messages = [NetlinkMessage]()
            var offset = datagram.startIndex
            while datagram.endIndex - offset >= Netlink.headerSize {
                let length = Int(NetlinkBytes.hostUInt32(datagram, at: offset))
                guard length >= Netlink.headerSize, length <= datagram.endIndex - offset else {
                    throw NetlinkError(.malformedReply, operation: "read a netlink message")
                }
                let type = NetlinkBytes.hostUInt16(datagram, at: offset + 4)
                let control = type < Netlink.MessageType.batchBegin
                let skipped = Netlink.headerSize + (control ? 0 : Netlink.netfilterHeaderSize)
                guard skipped <= length else {
                    throw NetlinkError(.malformedReply, operation: "read a netlink message")
                }
                messages.append(
                    NetlinkMessage(
                        type: type, flags: NetlinkBytes.hostUInt16(datagram, at: offset + 6),
                        sequence: NetlinkBytes.hostUInt32(datagram, at: offset + 8),
                        payload: datagram[(offset + skipped)..<(offset + length)]))
                offset += Netlink.aligned(length)
            }
            return messages
        }
    }

    /// Attributes parsed from a payload: type (flags masked off) to payload, the last one of a type
    /// winning, except `all(_:)` which keeps every one in order (list elements repeat their type).
    struct NetlinkAttributes {
        /// The attributes in the order they came.
        private var entries: [(type: UInt16, payload: ArraySlice<UInt8>)] = []

        /// Parses `bytes` as a run of attributes.
        ///
        /// - Throws: `NetlinkError.malformedReply` when a length is shorter than a header or runs
        ///   past the end.
        init(_ bytes: ArraySlice<UInt8>) throws(NetlinkError) {
            var offset = bytes.startIndex
            while bytes.endIndex - offset >= Netlink.attributeHeaderSize {
                let length = Int(NetlinkBytes.hostUInt16(bytes, at: offset))
                guard length >= Netlink.attributeHeaderSize, length <= bytes.endIndex - offset else {
                    throw NetlinkError(.malformedReply, operation: "read a netlink attribute")
                }
                let type = NetlinkBytes.hostUInt16(bytes, at: offset + 2) & ~Netlink.attributeFlags
                entries.append((type, bytes[(offset + Netlink.attributeHeaderSize)..<(offset + length)]))
                offset += min(Netlink.aligned(length), bytes.endIndex - offset)
            }
        }

        /// The payload of the last attribute of `type`.
        subscript(_ type: UInt16) -> ArraySlice<UInt8>? {
            entries.last { $0.type == type }?.payload
        }

        /// The payloads of every attribute of `type`, in order.
        func all(_ type: UInt16) -> [ArraySlice<UInt8>] {
            entries.filter { $0.type == type }.map(\.payload)
        }

        /// The attribute of `type` as a big-endian 32-bit value.
        func bigEndian32(_ type: UInt16) -> UInt32? {
            guard let payload = self[type], payload.count == 4 else { return nil }
            return payload.reduce(0) { $0 << 8 | UInt32($1) }
        }

        /// The attribute of `type` as a big-endian 64-bit value.
        func bigEndian64(_ type: UInt16) -> UInt64? {
            guard let payload = self[type], payload.count == 8 else { return nil }
            return payload.reduce(0) { $0 << 8 | UInt64($1) }
        }

        /// The attribute of `type` as a NUL-terminated string.
        func string(_ type: UInt16) -> String? {
            guard let payload = self[type] else { return nil }
            return String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Host-order reads from a byte slice (netlink headers are in host order).
    enum NetlinkBytes {
        /// The host-order 16-bit value at `offset`.
        static func hostUInt16(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt16 {
            var value: UInt16 = 0
            withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + 2)]) }
            return value
        }

        /// The host-order 32-bit value at `offset`.
        static func hostUInt32(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt32 {
            var value: UInt32 = 0
            withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + 4)]) }
            return value
        }
    }
#endif
