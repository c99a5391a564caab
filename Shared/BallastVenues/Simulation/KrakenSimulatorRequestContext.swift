import Hummingbird
import NIOCore

/// The request context of the simulated Kraken's server: Hummingbird's, plus the connection, which a
/// `processThenDrop` fault closes without an answer.
struct KrakenSimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
