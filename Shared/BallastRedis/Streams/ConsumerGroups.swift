/// Consumer-group administration shared by consumers and service start-up.
public enum ConsumerGroups {
    /// `XGROUP CREATE stream group 0 MKSTREAM`; an existing group (`BUSYGROUP`) counts as success.
    public static func create(stream: String, group: String, client: RedisClient) async throws(RedisError) {
        do {
            try await client.send(StreamCommands.createGroup(stream: stream, group: group))
        } catch .server(let message) where message.hasPrefix("BUSYGROUP") {
            return
        }
    }
}
