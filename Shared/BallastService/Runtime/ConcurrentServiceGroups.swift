import ServiceLifecycle

/// The services of one process (`ballast serve`), each in its own `ServiceGroup`, run side by side. A graceful shutdown
/// reaches every group at once (a group run inside a service follows its parent's), so each stops its parts in its own
/// order while the others do the same, as separate processes would on SIGTERM. One group that stops by itself (a part
/// returned or failed) stops them all, as one part that stops stops its executable.
struct ConcurrentServiceGroups: Service {
    let groups: [ServiceGroup]

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for group in groups {
                tasks.addTask { try await group.run() }
            }
            try await tasks.next()
            if !Task.isShuttingDownGracefully { tasks.cancelAll() }
            try await tasks.waitForAll()
        }
    }
}
