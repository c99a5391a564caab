import Testing

@testable import BallastRedis

/// Which commands `RedisClient` may send again after their reply was lost: running them twice must
/// leave Redis as running them once does.
@Suite("Idempotent Redis commands")
struct RedisCommandIdempotenceTests {
    @Test(
        "a command is resent after a lost reply only when running it twice changes nothing more",
        arguments: [
            (["GET", "k"], true),
            (["mget", "a", "b"], true),
            (["PING"], true),
            (["EXISTS", "k"], true),
            (["PTTL", "k"], true),
            (["XPENDING", "s", "g", "1-0", "1-0", "1"], true),
            (["XRANGE", "s", "-", "+"], true),
            (["XINFO", "CONSUMERS", "s", "g"], true),
            (["XACK", "s", "g", "1-0"], true),
            (["DEL", "k"], false),
            (["PEXPIRE", "k", "100"], true),
            (["SET", "k", "v"], true),
            (["SET", "k", "v", "PX", "5000"], true),
            (["SET", "k", "NX"], true),
            (["XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"], true),
            (["SET", "k", "v", "NX", "PX", "5000"], false),
            (["SET", "k", "v", "xx"], false),
            (["SET", "k", "v", "GET"], false),
            (["INCR", "k"], false),
            (["XADD", "s", "MAXLEN", "~", "1000", "*", "f", "v"], false),
            (["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"], false),
            (["XAUTOCLAIM", "s", "g", "c", "1000", "0-0", "COUNT", "10"], false),
            (["XCLAIM", "s", "g", "c", "1000", "1-0"], false),
            (["XGROUP", "DELCONSUMER", "s", "g", "c"], false),
            (["EVAL", "return redis.call('INCR', KEYS[1])", "1", "k"], false),
        ]
    )
    func resendRule(arguments: [String], isIdempotent: Bool) {
        #expect(RedisCommand(arguments).isIdempotent == isIdempotent)
    }

    @Test("a script is idempotent only when its builder declares it so")
    func declaredScript() {
        let script = RedisCommand("EVAL", RedisScripts.compareAndExpire, "1", "k", "token", "100")
        #expect(!script.isIdempotent)
        #expect(script.declaringIdempotent().isIdempotent)
    }
}
