/// The events deposits publish on `ballast:events`, each in the transaction of the change it announces. Their `data`
/// is the deposit as `DepositView` reads it (SQL `deposit_json`, migration 26).
public enum DepositEvent {
    public static let detected = "deposit.detected"
    public static let confirmed = "deposit.confirmed"
    public static let credited = "deposit.credited"
    public static let failed = "deposit.failed"
    public static let reversed = "deposit.reversed"
    /// Once per deposit not credited or failed a day after it was seen (`deposits.stuck-report`).
    public static let stuck = "deposit.stuck"
}
