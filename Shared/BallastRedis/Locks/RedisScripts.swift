/// Lua scripts run by Redis atomically; each checks the lock token so only the holder can act.
enum RedisScripts {
    /// KEYS[1] = lock key, ARGV[1] = token. Deletes the key only if it still holds our token.
    static let compareAndDelete = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('DEL', KEYS[1])
        end
        return 0
        """

    /// KEYS[1] = lock key, ARGV[1] = token, ARGV[2] = new TTL in ms. Extends only if still ours.
    static let compareAndExpire = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """

    /// KEYS[1] = lock key, ARGV[1] = token, ARGV[2] = TTL in ms. Takes the lock if it is free, or keeps
    /// it (with a fresh TTL) if it already holds our token; 1 when the lock is ours, 0 when someone
    /// else's. Running it twice, or after a `SET NX` with the same token, gives the same answer.
    static let acquireOrConfirm = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
        end
        if holder then
            return 0
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """
}
