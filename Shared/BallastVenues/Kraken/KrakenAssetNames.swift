/// Kraken's asset names in Ballast's (`XXBT` → `BTC`, `ZUSD` → `USD`). Kraken kept the X (crypto) and Z (fiat) prefixes
/// of its first assets' four-letter names and calls bitcoin `XBT` and dogecoin `XDG`; assets listed later have plain
/// names. Only the legacy names are stripped, from a list: a newer asset may start with X or Z itself (`ZETA`, `XION`).
public enum KrakenAssetNames {
    /// Ballast's name of Kraken asset `name`; a name not in the tables is kept, upper-cased.
    public static func ballastName(_ name: String) -> String {
        let upper = name.uppercased()
        if let renamed = renamed[upper] { return renamed }
        if legacy.contains(upper) {
            let stripped = String(upper.dropFirst())
            return renamed[stripped] ?? stripped
        }
        return upper
    }

    /// Whether balance `name` lies outside the spot wallet: Kraken names earn, staked and held balances with a suffix
    /// (`XBT.F` auto-earn, `DOT.S` staked, `ETH.B`/`USD.M` opt-in rewards, `USD.HOLD`). Those amounts cannot pay for an
    /// order until moved back, so counting them would let Ballast plan trades the account cannot make.
    public static func isOutsideSpotWallet(_ name: String) -> Bool {
        name.contains(".")
    }

    private static let renamed: [String: String] = ["XBT": "BTC", "XDG": "DOGE"]

    private static let legacy: Set<String> = [
        "XXBT", "XXDG", "XETH", "XETC", "XLTC", "XXRP", "XXLM", "XXMR", "XZEC", "XREP", "XMLN",
        "ZUSD", "ZEUR", "ZGBP", "ZCAD", "ZJPY", "ZAUD",
    ]
}
