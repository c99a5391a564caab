extension Migration {
    /// Admin API keys: scheduled jobs are global to the installation, so only an admin key may change them through
    /// the API (`ballast api-key create --admin`). Existing keys stay ordinary.
    static let m0024AdminAPIKeys = Migration(
        version: 24,
        name: "admin API keys",
        statements: [
            "ALTER TABLE api_keys ADD COLUMN is_admin boolean NOT NULL DEFAULT false"
        ]
    )
}
