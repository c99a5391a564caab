/// The version of Ballast these binaries were built as; outgoing requests name it in `User-Agent`.
public enum BallastVersion {
    public static let current = "0.1.0"
}
