import AsyncHTTPClient
import BallastCore
import BallastRedis
import BallastWebhooks
import Hummingbird
import Ingest
import PostgresNIO

/// The ingest router on `database` and the test Redis, from the executable's own factory (`Ingest.router`). Webhook
/// targets may be local unless `webhookSettings` say otherwise; test sends share one process-wide HTTP client.
func ingestRouter(
    _ database: PostgresClient, _ configuration: IngestConfiguration, webhookSettings: WebhookSettings? = nil,
    rateLimiter: WebhookRateLimiter? = nil
) throws -> Router<IngestRequestContext> {
    let settings = try webhookSettings ?? WebhookSettings(environment: EnvironmentReader(["BALLAST_ALLOW_PRIVATE_TARGETS": "1"]))
    return Ingest.router(
        database: database, redis: RedisClient(endpoint: try TestServers.redis), configuration: configuration,
        webhookSettings: settings, webhookSender: WebhookSender(httpClient: .shared, settings: settings), rateLimiter: rateLimiter,
        logger: TestServers.logger)
}
