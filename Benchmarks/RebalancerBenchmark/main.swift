import Foundation

// scripts/bench/rebalancer: the planning pass in memory, then, given a database and a Redis
// (BENCH_DATABASE_URL, BENCH_REDIS_URL), the drift monitor's scan of portfolios stored in PostgreSQL with their prices
// in Redis.
let environment = ProcessInfo.processInfo.environment
runPlanningPass(environment: environment)
if let databaseURL = environment["BENCH_DATABASE_URL"], let redisURL = environment["BENCH_REDIS_URL"] {
    try await runDatabaseScan(databaseURL: databaseURL, redisURL: redisURL, environment: environment)
}
