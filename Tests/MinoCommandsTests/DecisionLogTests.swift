#if os(Linux)
    import Dispatch
    import EgressPolicy
    import Foundation
    import Glibc
    import PolicyExecutor
    import PolicyModel
    import Testing

    /// The session's decision log on disk: private, appended one whole line per record, and read
    /// back past damaged lines.
    @Suite struct DecisionLogTests {
        let directory: TemporaryDirectory
        let path: String

        init() throws {
            directory = try TemporaryDirectory()
            path = directory.path + "/review.decisions.jsonl"
        }

        static let address: IPAddress = {
            guard let address = IPAddress("192.0.2.1") else { preconditionFailure("192.0.2.1 does not parse") }
            return address
        }()

        static let records: [DecisionRecord] = [
            .session(.init(time: "2026-01-02T03:00:00Z", event: .start, session: "review")),
            .dns(
                .init(
                    time: "2026-01-02T03:00:01Z", name: "a.x.test", type: "A", transport: .udp, decision: .allow,
                    reason: nil, ruleText: "*.x.test:443", ruleOrigin: ".mino.toml:2:18",
                    answers: [address], pinned: [.init(address: address, port: 443)],
                    ttl: 300)),
            .dns(
                .init(
                    time: "2026-01-02T03:00:02Z", name: "evil.test", type: "TXT", transport: .tcp, decision: .deny,
                    reason: .noRule)),
            .connection(
                .init(time: "2026-01-02T03:00:03Z", destination: "203.0.113.9", port: 22, protocolName: "tcp", count: 2)
            ),
        ]

        /// Lines are buffered (one write per batch) and reach the file on `flush()`, every
        /// 100 ms, at 64 KiB, or when the log is released.
        @Test func recordsAreAppendedOneLineEachToAPrivateFile() throws {
            let log = try #require(DecisionLog(path: path))
            for record in Self.records { log.append(record) }
            log.flush()
            var status = stat()
            #expect(stat(path, &status) == 0)
            #expect(status.st_mode & 0o777 == 0o600)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text == Self.records.map { $0.jsonLine + "\n" }.joined())
            let read = try #require(DecisionLog.read(path))
            #expect(read.records == Self.records)
            #expect(read.malformed == 0)
        }

        @Test func reopeningAppendsInsteadOfRewriting() throws {
            try #require(DecisionLog(path: path)).append(Self.records[0])
            try #require(DecisionLog(path: path)).append(Self.records[1])
            #expect(DecisionLog.read(path)?.records == Array(Self.records[0...1]))
        }

        @Test func aDamagedLineIsSkippedAndCounted() throws {
            let log = try #require(DecisionLog(path: path))
            log.append(Self.records[0])
            log.flush()
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("{\"kind\":\"dns\",\"time\":\n\n\u{FF}garbage\n".utf8))
            try handle.close()
            log.append(Self.records[1])
            log.flush()
            // A last line cut short (a crash mid-write) counts as damaged too.
            let cut = Self.records[2].jsonLine
            let tail = try #require(FileHandle(forWritingAtPath: path))
            try tail.seekToEnd()
            try tail.write(contentsOf: Data(cut.prefix(cut.count / 2).utf8))
            try tail.close()
            let read = try #require(DecisionLog.read(path))
            #expect(read.records == Array(Self.records[0...1]))
            #expect(read.malformed == 3)
        }

        @Test func readingStopsAtTheLimit() throws {
            let log = try #require(DecisionLog(path: path))
            for record in Self.records { log.append(record) }
            log.flush()
            let firstLine = Self.records[0].jsonLine.utf8.count + 1
            let read = try #require(DecisionLog.read(path, limit: firstLine))
            #expect(read.records == [Self.records[0]])
            #expect(read.malformed == 0)
        }

        @Test func concurrentAppendsNeverInterleave() throws {
            let log = try #require(DecisionLog(path: path))
            DispatchQueue.concurrentPerform(iterations: 8) { worker in
                for index in 0..<50 {
                    log.append(
                        .connection(
                            .init(
                                time: "2026-01-02T03:00:00Z", destination: "w\(worker)-\(index)", port: nil,
                                protocolName: "tcp", count: index)))
                }
            }
            log.flush()
            let read = try #require(DecisionLog.read(path))
            #expect(read.records.count == 400)
            #expect(read.malformed == 0)
        }

        @Test func noLogIsNil() {
            #expect(DecisionLog.read(directory.path + "/missing.jsonl") == nil)
        }

        @Test func aSymbolicLinkIsNotFollowed() throws {
            let target = directory.path + "/elsewhere"
            #expect(FileManager.default.createFile(atPath: target, contents: Data()))
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
            #expect(DecisionLog(path: path) == nil)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)).isEmpty)
        }
    }
#endif
