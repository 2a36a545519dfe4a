import Diagnostics
import Foundation
import PolicyModel

/// Compares tagged JSON the way toml-test does: floats by value (`nan` equals `nan`), integers
/// by value, date-times as instants with the same fractional precision, everything else as text.
public enum TaggedJSONComparison {
    /// A value reduced to something directly comparable.
    public indirect enum Normalised: Equatable, CustomStringConvertible {
        case scalar(type: String, value: String)
        case float(Double?)  // nil is nan
        case array([Normalised])
        case table([String: Normalised])

        public var description: String {
            switch self {
            case .scalar(let type, let value): return "\(type)(\(value))"
            case .float(let value): return "float(\(value.map { "\($0)" } ?? "nan"))"
            case .array(let elements): return "[" + elements.map(\.description).joined(separator: ", ") + "]"
            case .table(let members):
                return "{"
                    + members.keys.sorted().map { "\($0): \(members[$0]?.description ?? "")" }
                    .joined(separator: ", ") + "}"
            }
        }
    }

    /// Parses JSON text with Foundation into a `JSONValue`.
    public static func parse(_ data: Data) throws -> JSONValue {
        try convert(JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    private struct UnsupportedJSON: Error {}

    private static func convert(_ object: Any) throws -> JSONValue {
        switch object {
        case let dictionary as [String: Any]:
            return .object(try dictionary.mapValues(convert))
        case let array as [Any]:
            return .array(try array.map(convert))
        case let string as String:
            return .string(string)
        case is NSNull:
            return .null
        case let number as NSNumber:
            return .number(number.doubleValue)
        default:
            throw UnsupportedJSON()
        }
    }

    /// Normalises tagged JSON; `nil` when the shape is not tagged JSON.
    public static func normalise(_ value: JSONValue) -> Normalised? {
        switch value {
        case .array(let elements):
            var result = [Normalised]()
            for element in elements {
                guard let normalised = normalise(element) else { return nil }
                result.append(normalised)
            }
            return .array(result)
        case .object(let members):
            if members.count == 2, case .string(let type)? = members["type"], case .string(let text)? = members["value"]
            {
                return scalar(type: type, text: text)
            }
            var result = [String: Normalised]()
            for (key, member) in members {
                guard let normalised = normalise(member) else { return nil }
                result[key] = normalised
            }
            return .table(result)
        default:
            return nil
        }
    }

    private static func scalar(type: String, text: String) -> Normalised {
        switch type {
        case "float":
            let value = Double(text.replacingOccurrences(of: "inf", with: "infinity"))
            if let value, value.isNaN { return .float(nil) }
            if text == "nan" || text == "+nan" || text == "-nan" { return .float(nil) }
            return .float(value ?? .signalingNaN)
        case "integer":
            return .scalar(type: type, value: Int64(text).map(String.init) ?? "invalid:\(text)")
        case "datetime":
            return .scalar(type: type, value: instant(text) ?? "invalid:\(text)")
        case "datetime-local", "time-local":
            return .scalar(type: type, value: trimFraction(text.replacingOccurrences(of: " ", with: "T")))
        default:
            return .scalar(type: type, value: text)
        }
    }

    /// `HH:MM:SS.fff000` → `HH:MM:SS.fff`; `HH:MM:SS.000` → `HH:MM:SS`.
    private static func trimFraction(_ text: String) -> String {
        guard let dot = text.firstIndex(of: ".") else { return text }
        var digits = text[text.index(after: dot)...].prefix { $0.isNumber }
        let rest = text[text.index(after: dot)...].dropFirst(digits.count)
        while digits.last == "0" { digits = digits.dropLast() }
        return String(text[..<dot]) + (digits.isEmpty ? "" : "." + digits) + rest
    }

    /// An offset date-time as UTC seconds since 0000-03-01 plus the trimmed fraction.
    private static func instant(_ text: String) -> String? {
        let upper = text.uppercased().replacingOccurrences(of: " ", with: "T")
        let bytes = Array(upper.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var fraction = ""
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                fraction.append(Character(Unicode.Scalar(bytes[index])))
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "Z") {
            offset = 0
        } else if index + 6 <= bytes.count, let hours = number(index + 1..<index + 3),
            let minutes = number(index + 4..<index + 6)
        {
            offset = (hours * 60 + minutes) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        // Days from civil (proleptic Gregorian).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset * 60
        while fraction.last == "0" { fraction.removeLast() }
        return "\(seconds)" + (fraction.isEmpty ? "" : ".\(fraction)")
    }
}
