import Diagnostics
import Foundation

/// Numbers, booleans, dates and times.
extension TOMLLexer {
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Whether a value may end before this byte (whitespace, comment, separators, end).
    static func isValueTerminator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"),
            UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"):
            return true
        default:
            return false
        }
    }

    private var atValueEnd: Bool {
        position >= bytes.count || TOMLLexer.isValueTerminator(bytes[position])
    }

    /// The end of the run of bytes that could belong to a number token, for error messages.
    private func tokenEnd(from start: Int) -> Int {
        var end = start
        while end < bytes.count, !TOMLLexer.isValueTerminator(bytes[end]) { end += 1 }
        return max(end, start + 1)
    }

    /// Scans `true` or `false`.
    mutating func scanBoolean() throws -> TOMLValue {
        let start = position
        for (word, value) in [("true", true), ("false", false)] {
            let utf8 = Array(word.utf8)
            if position + utf8.count <= bytes.count,
                bytes[position..<position + utf8.count].elementsEqual(utf8)
            {
                position += utf8.count
                if atValueEnd {
                    return TOMLValue(.boolean(value), span: SourceSpan(start: start, end: position))
                }
                position = start
            }
        }
        let end = tokenEnd(from: start)
        throw fail(.tomlExpectedValue(found: "`\(text(start, end))`", at: origin(start, end)))
    }

    /// Scans a number, date, time or date-time starting at a digit, `+`, `-`, `i` or `n`.
    mutating func scanNumberOrDateTime() throws -> TOMLValue {
        let start = position
        if position + 4 < bytes.count, TOMLLexer.isDigit(bytes[position]), TOMLLexer.isDigit(bytes[position + 1]),
            TOMLLexer.isDigit(bytes[position + 2]), TOMLLexer.isDigit(bytes[position + 3]),
            bytes[position + 4] == UInt8(ascii: "-")
        {
            return try scanDateTime()
        }
        if position + 2 < bytes.count, TOMLLexer.isDigit(bytes[position]), TOMLLexer.isDigit(bytes[position + 1]),
            bytes[position + 2] == UInt8(ascii: ":")
        {
            let time = try scanTime(tokenStart: start)
            try expectDateTimeEnd(tokenStart: start)
            return TOMLValue(.localTime(time), span: SourceSpan(start: start, end: position))
        }
        return try scanNumber()
    }

    // MARK: - Numbers

    /// Scans digits of `radix` with single underscores between digits; returns the digits.
    private mutating func scanDigits(radix: Int, tokenStart: Int, what: String) throws -> [UInt8] {
        var digits = [UInt8]()
        var lastWasUnderscore = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "_") {
                guard !digits.isEmpty, !lastWasUnderscore else {
                    throw numberError(tokenStart, "underscores must sit between digits")
                }
                lastWasUnderscore = true
                position += 1
                continue
            }
            guard let value = TOMLLexer.hexValue(byte), Int(value) < radix else { break }
            digits.append(byte)
            lastWasUnderscore = false
            position += 1
        }
        if lastWasUnderscore {
            throw numberError(tokenStart, "underscores must sit between digits")
        }
        if digits.isEmpty {
            throw numberError(tokenStart, "expected \(what)")
        }
        return digits
    }

    private func numberError(_ start: Int, _ reason: String) -> DiagnosticError {
        let end = tokenEnd(from: start)
        return fail(.tomlInvalidNumber(text(start, end), reason: reason, at: origin(start, end)))
    }

    private mutating func scanNumber() throws -> TOMLValue {
        let start = position
        var negative = false
        var signed = false
        if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
            negative = peek() == UInt8(ascii: "-")
            signed = true
            position += 1
        }
        // inf and nan
        if peek() == UInt8(ascii: "i") || peek() == UInt8(ascii: "n") {
            let word: [UInt8] = peek() == UInt8(ascii: "i") ? Array("inf".utf8) : Array("nan".utf8)
            if position + 3 <= bytes.count, bytes[position..<position + 3].elementsEqual(word) {
                position += 3
                if atValueEnd {
                    let value: Double = word[0] == UInt8(ascii: "i") ? (negative ? -.infinity : .infinity) : .nan
                    return TOMLValue(.float(value), span: SourceSpan(start: start, end: position))
                }
            }
            position = start
            let end = tokenEnd(from: start)
            throw fail(.tomlExpectedValue(found: "`\(text(start, end))`", at: origin(start, end)))
        }
        guard position < bytes.count, TOMLLexer.isDigit(bytes[position]) else {
            if signed { throw numberError(start, "expected digits after the sign") }
            let end = tokenEnd(from: start)
            throw fail(.tomlExpectedValue(found: "`\(text(start, end))`", at: origin(start, end)))
        }
        // Prefixed integers.
        if bytes[position] == UInt8(ascii: "0"), position + 1 < bytes.count {
            let marker = bytes[position + 1]
            let radix: Int? =
                marker == UInt8(ascii: "x")
                ? 16 : marker == UInt8(ascii: "o") ? 8 : marker == UInt8(ascii: "b") ? 2 : nil
            if let radix {
                if signed { throw numberError(start, "hexadecimal, octal and binary integers cannot have a sign") }
                position += 2
                let name = radix == 16 ? "hexadecimal digits" : radix == 8 ? "octal digits" : "binary digits"
                let digits = try scanDigits(radix: radix, tokenStart: start, what: name)
                guard atValueEnd else { throw numberError(start, "unexpected character in the number") }
                var value: UInt64 = 0
                for digit in digits {
                    let (shifted, overflow1) = value.multipliedReportingOverflow(by: UInt64(radix))
                    let (added, overflow2) = shifted.addingReportingOverflow(UInt64(TOMLLexer.hexValue(digit) ?? 0))
                    guard !overflow1, !overflow2, added <= UInt64(Int64.max) else {
                        throw fail(.tomlIntegerOverflow(text(start, position), at: origin(start, position)))
                    }
                    value = added
                }
                return TOMLValue(.integer(Int64(value)), span: SourceSpan(start: start, end: position))
            }
        }
        let integerStart = position
        let integerDigits = try scanDigits(radix: 10, tokenStart: start, what: "digits")
        if integerDigits.count > 1, integerDigits[0] == UInt8(ascii: "0") {
            throw numberError(start, "leading zeros are not allowed")
        }
        _ = integerStart
        var isFloat = false
        var literal = [UInt8]()
        if negative { literal.append(UInt8(ascii: "-")) }
        literal.append(contentsOf: integerDigits)
        if peek() == UInt8(ascii: "."), position < bytes.count {
            position += 1
            guard position < bytes.count, TOMLLexer.isDigit(bytes[position]) else {
                throw numberError(start, "expected digits after the decimal point")
            }
            let fraction = try scanDigits(radix: 10, tokenStart: start, what: "digits after the decimal point")
            literal.append(UInt8(ascii: "."))
            literal.append(contentsOf: fraction)
            isFloat = true
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E"), position < bytes.count {
            position += 1
            literal.append(UInt8(ascii: "e"))
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
                literal.append(peek())
                position += 1
            }
            guard position < bytes.count, TOMLLexer.isDigit(bytes[position]) else {
                throw numberError(start, "expected digits in the exponent")
            }
            literal.append(contentsOf: try scanDigits(radix: 10, tokenStart: start, what: "digits in the exponent"))
            isFloat = true
        }
        guard atValueEnd else {
            if peek() == UInt8(ascii: ".") { throw numberError(start, "expected digits after the decimal point") }
            throw numberError(start, "unexpected character in the number")
        }
        let span = SourceSpan(start: start, end: position)
        if isFloat {
            let string = String(decoding: literal, as: UTF8.self)
            guard let value = Double(string) else { throw numberError(start, "not a representable float") }
            return TOMLValue(.float(value), span: span)
        }
        var value: Int64 = 0
        for digit in integerDigits {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let delta = Int64(digit - UInt8(ascii: "0"))
            let (added, overflow2) =
                negative ? shifted.subtractingReportingOverflow(delta) : shifted.addingReportingOverflow(delta)
            guard !overflow1, !overflow2 else {
                throw fail(.tomlIntegerOverflow(text(start, position), at: origin(start, position)))
            }
            value = added
        }
        return TOMLValue(.integer(value), span: span)
    }

    // MARK: - Dates and times

    /// Reads exactly `count` digits as a number, or fails with a date-time error.
    private mutating func fixedDigits(_ count: Int, tokenStart: Int, field: String) throws -> Int {
        var value = 0
        for _ in 0..<count {
            guard position < bytes.count, TOMLLexer.isDigit(bytes[position]) else {
                throw dateTimeError(tokenStart, "expected \(count) digits for the \(field)")
            }
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        return value
    }

    private mutating func expect(_ byte: UInt8, tokenStart: Int, _ reason: String) throws {
        guard position < bytes.count, bytes[position] == byte else { throw dateTimeError(tokenStart, reason) }
        position += 1
    }

    private func dateTimeError(_ start: Int, _ reason: String) -> DiagnosticError {
        var end = tokenEnd(from: start)
        // A date-time may contain one space between date and time; include the time in the text.
        if end < bytes.count, bytes[end] == UInt8(ascii: " "), end + 1 < bytes.count,
            TOMLLexer.isDigit(bytes[end + 1])
        {
            end = tokenEnd(from: end + 1)
        }
        return fail(.tomlInvalidDateTime(text(start, end), reason: reason, at: origin(start, end)))
    }

    /// Scans `HH:MM:SS[.fraction]` (seconds are required in TOML 1.0).
    private mutating func scanTime(tokenStart: Int) throws -> TOMLTime {
        let hour = try fixedDigits(2, tokenStart: tokenStart, field: "hour")
        try expect(UInt8(ascii: ":"), tokenStart: tokenStart, "expected `:` after the hour")
        let minute = try fixedDigits(2, tokenStart: tokenStart, field: "minute")
        try expect(UInt8(ascii: ":"), tokenStart: tokenStart, "expected `:` and seconds after the minute")
        let second = try fixedDigits(2, tokenStart: tokenStart, field: "second")
        var fraction = ""
        if peek() == UInt8(ascii: "."), position < bytes.count {
            position += 1
            let fractionStart = position
            while position < bytes.count, TOMLLexer.isDigit(bytes[position]) { position += 1 }
            guard position > fractionStart else {
                throw dateTimeError(tokenStart, "expected digits after the decimal point")
            }
            fraction = text(fractionStart, position)
        }
        guard hour <= 23 else { throw dateTimeError(tokenStart, "hour \(hour) is out of range 00-23") }
        guard minute <= 59 else { throw dateTimeError(tokenStart, "minute \(minute) is out of range 00-59") }
        guard second <= 59 else { throw dateTimeError(tokenStart, "second \(second) is out of range 00-59") }
        return TOMLTime(hour: hour, minute: minute, second: second, fraction: fraction)
    }

    private func expectDateTimeEnd(tokenStart: Int) throws {
        guard atValueEnd else { throw dateTimeError(tokenStart, "unexpected character") }
    }

    /// Scans a date, then an optional time (after `T`, `t` or one space) and an optional offset.
    private mutating func scanDateTime() throws -> TOMLValue {
        let start = position
        let year = try fixedDigits(4, tokenStart: start, field: "year")
        try expect(UInt8(ascii: "-"), tokenStart: start, "expected `-` after the year")
        let month = try fixedDigits(2, tokenStart: start, field: "month")
        try expect(UInt8(ascii: "-"), tokenStart: start, "expected `-` after the month")
        let day = try fixedDigits(2, tokenStart: start, field: "day")
        guard (1...12).contains(month) else { throw dateTimeError(start, "month \(month) is out of range 01-12") }
        guard TOMLDate.isValid(year: year, month: month, day: day) else {
            throw dateTimeError(start, "day \(day) does not exist in month \(month) of \(year)")
        }
        let date = TOMLDate(year: year, month: month, day: day)
        let separator = peek()
        let hasTime: Bool
        if position < bytes.count, separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") {
            hasTime = true
        } else if separator == UInt8(ascii: " "), position + 3 < bytes.count, TOMLLexer.isDigit(peek(1)),
            TOMLLexer.isDigit(peek(2)), peek(3) == UInt8(ascii: ":")
        {
            hasTime = true
        } else {
            hasTime = false
        }
        guard hasTime else {
            try expectDateTimeEnd(tokenStart: start)
            return TOMLValue(.localDate(date), span: SourceSpan(start: start, end: position))
        }
        position += 1
        let time = try scanTime(tokenStart: start)
        var offset: Int?
        let marker = peek()
        if position < bytes.count, marker == UInt8(ascii: "Z") || marker == UInt8(ascii: "z") {
            position += 1
            offset = 0
        } else if position < bytes.count, marker == UInt8(ascii: "+") || marker == UInt8(ascii: "-") {
            position += 1
            let hours = try fixedDigits(2, tokenStart: start, field: "offset hour")
            try expect(UInt8(ascii: ":"), tokenStart: start, "expected `:` in the offset")
            let minutes = try fixedDigits(2, tokenStart: start, field: "offset minute")
            guard hours <= 23 else { throw dateTimeError(start, "offset hour \(hours) is out of range 00-23") }
            guard minutes <= 59 else { throw dateTimeError(start, "offset minute \(minutes) is out of range 00-59") }
            offset = (hours * 60 + minutes) * (marker == UInt8(ascii: "-") ? -1 : 1)
        }
        try expectDateTimeEnd(tokenStart: start)
        let value = TOMLDateTime(date: date, time: time, offsetMinutes: offset)
        let span = SourceSpan(start: start, end: position)
        return TOMLValue(offset == nil ? .localDateTime(value) : .offsetDateTime(value), span: span)
    }
}
