import Foundation

/// "a" or "an" for a type name in a message ("an integer", "a string").
public func englishArticle(_ word: String) -> String {
    guard let first = word.first else { return "a" }
    return "aeiou".contains(first) ? "an" : "a"
}
