/// The error codes Bitcoin Core answers with (its `RPCErrorCode`), for the calls a scanner makes.
public enum BitcoinRPCErrorCode {
    /// `RPC_INVALID_ADDRESS_OR_KEY`: `getblock` of a hash the node does not know ("Block not found").
    public static let invalidAddressOrKey = -5
    /// `RPC_INVALID_PARAMETER`: `getblockhash` past the tip ("Block height out of range"), a malformed hash.
    public static let invalidParameter = -8
    /// `RPC_MISC_ERROR`.
    public static let miscellaneous = -1
    /// `RPC_IN_WARMUP`: the node is starting and answers nothing else yet.
    public static let inWarmup = -28
}
