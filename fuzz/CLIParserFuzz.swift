// libFuzzer harness for mino's command-line parser (built by scripts/fuzz, not by SwiftPM).
//
// The input is split at NUL bytes into arguments (invalid UTF-8 repaired, as the process
// would see it) and run through the whole application: parsing, help, usage-error rendering,
// with an empty command registry so that nothing touches the system. Any exit status other
// than 0, 64 or 69 is a bug.

import MinoCommands

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCLI(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
    }
    let width = size % 3 == 0 ? 20 : 80
    let status = CLIFuzzEntry.parse(arguments, width: width, environment: ["MINO_TRUST_LOCAL": "1"])
    if ![0, 64, 69].contains(status) {
        fatalError("unexpected exit status \(status)")
    }
    return 0
}
