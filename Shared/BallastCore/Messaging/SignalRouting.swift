import Foundation

/// Where ingest routed a signal when it accepted it: to the variants of an experiment, or to the engine its source
/// names for its strategy. Carried by the signal document on `ballast:signals` and kept in `signals.routing`, so
/// signal-processor decides the signal where the webhook's answer said, whatever changed since. A signal without
/// routing is decided by the `rules` engine on its user's trading account.
public struct SignalRouting: Codable, Sendable, Equatable {
    /// The experiment the signal is part of; nil for a source's or strategy's engine.
    public var experimentID: UUID?
    /// `split` (one variant) or `shadow` (every variant), for an experiment.
    public var mode: String?
    /// Where the signal is decided, the first under the signal's own id (`decisionID`). Never empty.
    public var targets: [Target]

    public struct Target: Codable, Sendable, Equatable {
        /// The experiment's variant; nil outside experiments.
        public var variant: String?
        /// The decision engine's name (`rules`, `confirmed`).
        public var engine: String
        /// The engine's settings by name, values as text (numbers exactly as written).
        public var settings: [String: String]
        /// The paper account that trades; nil for the user's trading account.
        public var accountID: UUID?

        public init(variant: String? = nil, engine: String, settings: [String: String] = [:], accountID: UUID? = nil) {
            self.variant = variant
            self.engine = engine
            self.settings = settings
            self.accountID = accountID
        }

        enum CodingKeys: String, CodingKey {
            case variant
            case engine
            case settings
            case accountID = "accountId"
        }
    }

    public init(experimentID: UUID? = nil, mode: String? = nil, targets: [Target]) {
        self.experimentID = experimentID
        self.mode = mode
        self.targets = targets
    }

    enum CodingKeys: String, CodingKey {
        case experimentID = "experimentId"
        case mode
        case targets
    }

    /// The id target `index`'s decision is recorded under: the signal's own for the first target, and for the others
    /// (a shadow experiment's other variants) an id derived from the signal's and the variant's, the same in every
    /// process and release: two FNV-1a 64 hashes of the signal id's bytes and the variant's UTF-8, with different
    /// offsets, marked as a version 8 (custom) UUID.
    public func decisionID(signal: UUID, target index: Int) -> UUID {
        guard index > 0 else { return signal }
        return Self.derivedID(signal: signal, variant: targets[index].variant ?? String(index))
    }

    static func derivedID(signal: UUID, variant: String) -> UUID {
        let input = withUnsafeBytes(of: signal.uuid) { Array($0) } + [0] + Array(variant.utf8)
        func fnv1a(offset: UInt64) -> UInt64 {
            var hash = offset
            for byte in input {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            return hash
        }
        var bytes = withUnsafeBytes(of: fnv1a(offset: 0xCBF2_9CE4_8422_2325).bigEndian) { Array($0) }
        bytes += withUnsafeBytes(of: fnv1a(offset: 0x6C62_272E_07BB_0142).bigEndian) { Array($0) }
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
