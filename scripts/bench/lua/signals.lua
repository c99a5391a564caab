-- wrk script: POST distinct TradingView-style signals to ingest's default webhook.
-- Each request carries a unique client id and a unique price, so none is a duplicate (by id or by
-- content within the window) and every one is stored, also when runs follow each other.
-- BENCH_DELAY_MS paces each connection (64 connections × 1 request / 32 ms ≈ 2,000 req/s).
local counter = 0
local secret = os.getenv("BALLAST_WEBHOOK_SECRET")
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local thread_id = 0

function setup(thread)
   thread_id = thread_id + 1
   thread:set("prefix", tostring(thread_id) .. "-" .. tostring(os.time()))
   thread:set("tid", thread_id)
   -- The price differs between threads and runs (and never ends in 0, so no two are equal decimals):
   -- signals of a run repeated within the duplicate window are not duplicates by content either.
   thread:set("prefix_digits", string.format("%d%06d", thread_id, os.time() % 1000000))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
   counter = counter + 1
   local body = string.format(
      '{"id":"%s-%d","ticker":"BINANCE:BTCUSDT","action":"buy","size":"0.01","price":"%s.%d1","secret":"%s"}',
      prefix, counter, prefix_digits, counter, secret)
   return wrk.format(nil, "/webhook", nil, body)
end

if delay_ms > 0 then
   function delay()
      return delay_ms
   end
end

function done(summary, latency, requests)
   io.write(string.format("latency_p50_ms %.2f\n", latency:percentile(50) / 1000))
   io.write(string.format("latency_p99_ms %.2f\n", latency:percentile(99) / 1000))
   io.write(string.format("requests_per_second %.0f\n", summary.requests / (summary.duration / 1e6)))
   io.write(string.format("errors %d\n", summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
