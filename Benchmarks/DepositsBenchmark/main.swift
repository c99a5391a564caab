import Foundation

// scripts/bench/deposits: BENCH_DEPOSITS confirming deposits (default 100,000) of BENCH_USERS users (default 10,000)
// in a throwaway PostgreSQL (BENCH_DATABASE_URL); one confirmation pass confirms them all, then credit passes of
// BENCH_CREDIT_BATCH (default 2,000) credit them all. Exits non-zero when the ledger, balances or events disagree.
let environment = ProcessInfo.processInfo.environment
guard let databaseURL = environment["BENCH_DATABASE_URL"] else {
    FileHandle.standardError.write(Data("BENCH_DATABASE_URL is not set: run scripts/bench/deposits\n".utf8))
    exit(2)
}
do {
    try await runDepositsBenchmark(databaseURL: databaseURL, environment: environment)
} catch {
    FileHandle.standardError.write(Data("deposits benchmark FAILED: \(String(reflecting: error))\n".utf8))
    exit(1)
}
