import ArgumentParser
import BallastCore
import BallastRedis

/// A producer on `BALLAST_REDIS_URL` (trimming streams at `BALLAST_STREAM_MAXLEN`), or exit code 2 with
/// the reason when the configuration is unusable.
func makeStreamProducer() throws -> StreamProducer {
    let environment = EnvironmentReader()
    do {
        let url = environment.string("BALLAST_REDIS_URL", default: "redis://127.0.0.1:6379")
        let endpoint = try RedisEndpoint(url: url, variable: "BALLAST_REDIS_URL")
        let maxLength = try environment.integer("BALLAST_STREAM_MAXLEN", default: 1_000_000, range: 1_000...1_000_000_000)
        return StreamProducer(client: RedisClient(endpoint: endpoint, poolSize: 2), maxLength: maxLength)
    } catch {
        throw CommandFailure.exit("invalid configuration: \(error)", code: 2)
    }
}
