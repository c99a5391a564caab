/// The Redis key and the Lua script of the Kraken trade feed, in one place so that the code and `redis-cli` users agree
/// (`redis-cli HGETALL ballast:feeds:kraken:last-trade-id`).
public enum KrakenTradeFeedScripts {
    /// Hash of Ballast symbol → the greatest Kraken `trade_id` put on the stream for it. Kept in Redis, beside the
    /// stream, so a restarted or second feed skips what is already there. Deleting a field makes the feed publish that
    /// symbol's next trades whatever their ids (after Kraken renumbers a pair, for example).
    public static let lastTradeIDs = "ballast:feeds:kraken:last-trade-id"

    /// KEYS[1] = stream, KEYS[2] = `lastTradeIDs`; ARGV[1] = the stream's approximate maximum length, ARGV[2] = the
    /// symbol, ARGV[3] = n, the field and value arguments of one entry; then per trade, in id order, its id followed by
    /// its n field and value arguments. Appends each trade whose id is above the symbol's last one and moves the last
    /// id in the same script, so no crash can separate the entry from the mark; returns how many were appended.
    /// Running it twice appends nothing the second time, so a lost reply may be answered by sending it again.
    ///
    /// Ids are digits without leading zeros: compared by length, then as text, which is their numeric order at any
    /// size (Lua's numbers would round past 2^53).
    static let appendNewTrades = """
        local function above(id, last)
            if #id ~= #last then return #id > #last end
            return id > last
        end
        local last = redis.call('HGET', KEYS[2], ARGV[2])
        local width = tonumber(ARGV[3])
        local appended = 0
        local index = 4
        while index <= #ARGV do
            local id = ARGV[index]
            if not last or above(id, last) then
                local command = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*'}
                for offset = 1, width do
                    command[#command + 1] = ARGV[index + offset]
                end
                redis.call(unpack(command))
                last = id
                appended = appended + 1
            end
            index = index + 1 + width
        end
        if appended > 0 then
            redis.call('HSET', KEYS[2], ARGV[2], last)
        end
        return appended
        """
}
