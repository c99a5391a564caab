/// Unguessable tokens: API keys and webhook source secrets.
public enum RandomToken {
    /// `count * 4 / 3` characters from [a-zA-Z0-9]: about as much randomness as `count` random bytes.
    public static func generate(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        // 62^32 ≈ 2^190: far beyond guessing.
        return String((0..<(count * 4 / 3)).map { _ in alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))] })
    }
}
