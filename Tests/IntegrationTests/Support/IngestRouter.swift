import BallastRedis
import Hummingbird
import Ingest
import PostgresNIO

/// The ingest router on `database` and the test Redis, from the executable's own factory (`Ingest.router`).
func ingestRouter(_ database: PostgresClient, _ configuration: IngestConfiguration) throws -> Router<IngestRequestContext> {
    Ingest.router(
        database: database, redis: RedisClient(endpoint: try TestServers.redis), configuration: configuration, logger: TestServers.logger)
}
