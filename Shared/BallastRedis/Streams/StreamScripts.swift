/// Lua scripts for consumer-group housekeeping, run by Redis atomically: the check that a consumer
/// holds no pending entry and its deletion (`XGROUP DELCONSUMER`, which would drop them) cannot be
/// separated by a read that hands it one.
enum StreamScripts {
    /// KEYS[1] = stream, ARGV[1] = group, ARGV[2] = consumer. Deletes the consumer if it holds no
    /// pending entry; 1 when it is gone, 0 when it stays.
    static let deleteConsumerIfDone = """
        if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then
            return 0
        end
        redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """

    /// KEYS[1] = stream, ARGV[1] = group, ARGV[2] = minimum idle time in ms, ARGV[3] = the calling
    /// consumer, always kept. Deletes every other consumer that holds no pending entry and has been idle
    /// that long; returns their names.
    static let deleteIdleConsumers = """
        local removed = {}
        for _, fields in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
            local consumer = {}
            for index = 1, #fields, 2 do
                consumer[fields[index]] = fields[index + 1]
            end
            if consumer['name'] ~= ARGV[3] and consumer['pending'] == 0
                and consumer['idle'] >= tonumber(ARGV[2]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], consumer['name'])
                table.insert(removed, consumer['name'])
            end
        end
        return removed
        """
}
