// Hashes one file with mino's SHA-256 (Sources/PolicyModel/Hashing/SHA256.swift, compiled
// into this program by benchmarks/sha256-vs-sha256sum) and prints `hex  path` like sha256sum.
import Foundation

guard CommandLine.arguments.count == 2, let handle = FileHandle(forReadingAtPath: CommandLine.arguments[1]) else {
    FileHandle.standardError.write(Data("usage: sha256-file FILE\n".utf8))
    exit(2)
}
var hasher = SHA256()
while true {
    let chunk = handle.readData(ofLength: 1 << 20)
    if chunk.isEmpty { break }
    chunk.withUnsafeBytes { hasher.update($0) }
}
print("\(hasher.finalize().hex)  \(CommandLine.arguments[1])")
