import Synchronization

/// Components report whether they work; `/readyz` answers from here.
public final class HealthRegistry: Sendable {
    private let states = Mutex<[String: Bool]>([:])

    public init() {}

    /// Declares a component that must become healthy before the process is ready.
    public func register(_ component: String) {
        states.withLock { states in
            if states[component] == nil { states[component] = false }
        }
    }

    public func set(_ component: String, healthy: Bool) {
        states.withLock { $0[component] = healthy }
    }

    /// Every component and whether it is healthy, sorted by name.
    public var snapshot: [(component: String, healthy: Bool)] {
        states.withLock { states in states.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
}
