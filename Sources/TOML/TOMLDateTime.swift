/// A calendar date as written in TOML (`1979-05-27`).
public struct TOMLDate: Hashable, Sendable, CustomStringConvertible {
    /// The year, 0–9999.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day, valid for the month and year.
    public let day: Int

    /// Creates a date; the parser validates the ranges.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Whether `day` exists in `month` of `year` (Gregorian, leap years included).
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}

/// A time of day as written in TOML (`07:32:00.999`), fractional digits kept as written.
public struct TOMLTime: Hashable, Sendable, CustomStringConvertible {
    /// The hour, 0–23.
    public let hour: Int
    /// The minute, 0–59.
    public let minute: Int
    /// The second, 0–59.
    public let second: Int
    /// The fractional-second digits as written (empty when there is no fraction).
    public let fraction: String

    /// Creates a time; the parser validates the ranges.
    public init(hour: Int, minute: Int, second: Int, fraction: String = "") {
        self.hour = hour
        self.minute = minute
        self.second = second
        self.fraction = fraction
    }

    /// `HH:MM:SS[.fraction]`.
    public var description: String {
        pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2) + (fraction.isEmpty ? "" : "." + fraction)
    }
}

/// A date and time, with an offset in minutes for offset date-times (`nil` for local ones).
public struct TOMLDateTime: Hashable, Sendable, CustomStringConvertible {
    /// The date part.
    public let date: TOMLDate
    /// The time part.
    public let time: TOMLTime
    /// Minutes east of UTC; `nil` for a local date-time. `Z` is 0.
    public let offsetMinutes: Int?

    /// Creates a date-time.
    public init(date: TOMLDate, time: TOMLTime, offsetMinutes: Int?) {
        self.date = date
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// RFC 3339 form with `T` and `Z`: `1979-05-27T07:32:00Z`, `1979-05-27T00:32:00-07:00`.
    public var description: String {
        var text = date.description + "T" + time.description
        if let offset = offsetMinutes {
            if offset == 0 {
                text += "Z"
            } else {
                let magnitude = abs(offset)
                text += (offset < 0 ? "-" : "+") + pad(magnitude / 60, 2) + ":" + pad(magnitude % 60, 2)
            }
        }
        return text
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
