/// "Did you mean" suggestions for unknown keys, options, commands and presets.
public enum NameSuggestion {
    /// The candidate closest to `name` by edit distance, if it is close enough to be a likely
    /// typo: at most 1 edit for names up to 4 bytes, 2 up to 8, 3 beyond.
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let limit = name.utf8.count <= 4 ? 1 : (name.utf8.count <= 8 ? 2 : 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let distance = editDistance(name, candidate)
            guard distance <= limit else { continue }
            if best == nil || distance < best?.distance ?? Int.max {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// The Levenshtein distance between two strings, counted in Unicode scalars.
    public static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.unicodeScalars)
        let b = Array(rhs.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
