/// Where a deposit stands. `confirming` → `confirmed` → `credited` is the usual path; a reorganisation can send one
/// back to `pending` (out of the chain, waiting to be mined again), to `failed` (not mined again) or, after its credit,
/// to `reversed`. A `failed` one is retried by hand (`POST /api/v1/deposits/{id}/retry`, `ballast deposits retry`).
public enum DepositStatus: String, Sendable, Codable, CaseIterable {
    case pending, confirming, confirmed, credited, failed, reversed
}
