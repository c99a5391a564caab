/// A simulated Kraken serving in the background (`KrakenSimulator.start`): its base URL, and the way to stop it.
public struct KrakenSimulatorRunning: Sendable {
    /// `http://127.0.0.1:PORT`, without a trailing slash: Kraken's paths (`/0/public/Time`) follow it.
    public let baseURL: String
    private let task: Task<Void, any Error>

    init(baseURL: String, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.task = task
    }

    /// Stops the server (held answers end at once) and returns once its port is closed.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
