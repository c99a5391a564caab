import Hummingbird

/// The OpenAPI 3.1 description of ingest's public routes, served at `/openapi.json`.
/// `scripts/test` runs schemathesis against a live ingest with it: keep it and the routes in step.
enum OpenAPIDocument {
    static func addRoute(to router: Router<IngestRequestContext>) {
        router.get("openapi.json") { _, _ in Response.json(json) }
    }

    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Ballast ingest",
            "version": "1.0.0",
            "description": "Signal webhooks (TradingView alerts and API calls) and the management API. Errors are RFC 9457 problem documents."
          },
          "servers": [{ "url": "/" }],
          "components": {
            "securitySchemes": { "apiKey": { "type": "http", "scheme": "bearer", "description": "An API key from `ballast api-key create`." } },
            "parameters": {
              "SourceId": { "name": "sourceId", "in": "path", "required": true, "schema": { "type": "string" } },
              "Id": { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
              "TradingSymbol": {
                "name": "symbol", "in": "query", "required": false, "description": "Only this symbol (any case), e.g. BTC-USD",
                "schema": { "type": "string", "pattern": "^[A-Za-z0-9._/!-]{0,64}$" }
              },
              "TradingLimit": {
                "name": "limit", "in": "query", "required": false, "description": "Page size, default 100",
                "schema": { "type": "integer", "minimum": 1, "maximum": 500 }
              },
              "TradingCursor": {
                "name": "cursor", "in": "query", "required": false, "description": "nextCursor of the previous page",
                "schema": { "type": "string", "pattern": "^[0-9]+_[0-9a-fA-F-]{36}$" }
              },
              "MarketSymbol": {
                "name": "symbol", "in": "query", "required": false,
                "description": "A symbol market-data has seen trades of, e.g. BTC-USD; without it, every symbol",
                "schema": { "type": "string", "pattern": "^[A-Za-z0-9._/-]{1,32}$" }
              },
              "Signature": {
                "name": "X-Webhook-Signature", "in": "header", "required": false,
                "description": "The hex HMAC-SHA256 of the raw body with the source's secret, as sha256=<hex> or the bare hex digest (openssl dgst -sha256 -hmac <secret> -hex), either case; or send `secret` in the body.",
                "schema": { "type": "string" }
              }
            },
            "schemas": {
              "Problem": {
                "type": "object",
                "required": ["type", "title", "status"],
                "properties": {
                  "type": { "type": "string" },
                  "title": { "type": "string" },
                  "status": { "type": "integer" },
                  "detail": { "type": "string" },
                  "instance": { "type": "string" },
                  "invalid-params": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": ["name", "reason"],
                      "properties": { "name": { "type": "string" }, "reason": { "type": "string" } }
                    }
                  }
                }
              },
              "Decimal": { "type": ["string", "number", "null"], "description": "Parsed exactly; a JSON number or a decimal string, above 0. null counts as absent." },
              "TradeID": {
                "type": ["integer", "string"],
                "description": "A venue's trade id, 1 to 64 visible ASCII characters: a number when it is digit-only without leading zeros and fits a signed 64-bit integer, otherwise a string (e.g. Kraken's TXXXXX-XXXXX-XXXXXX, UUIDs)."
              },
              "Ticker": {
                "type": "object",
                "required": ["symbol", "priceChange", "priceChangePercent", "weightedAvgPrice", "prevClosePrice", "lastPrice", "lastQty",
                  "openPrice", "highPrice", "lowPrice", "volume", "quoteVolume", "openTime", "closeTime", "firstId", "lastId", "count"],
                "properties": {
                  "symbol": { "type": "string" },
                  "priceChange": { "type": "string" }, "priceChangePercent": { "type": "string" },
                  "weightedAvgPrice": { "type": "string" }, "prevClosePrice": { "type": "string" },
                  "lastPrice": { "type": "string" }, "lastQty": { "type": "string" }, "openPrice": { "type": "string" },
                  "highPrice": { "type": "string" }, "lowPrice": { "type": "string" }, "volume": { "type": "string" },
                  "quoteVolume": { "type": "string" }, "openTime": { "type": "integer" }, "closeTime": { "type": "integer" },
                  "firstId": { "$ref": "#/components/schemas/TradeID" }, "lastId": { "$ref": "#/components/schemas/TradeID" },
                  "count": { "type": "integer" }
                }
              },
              "Price": {
                "type": "object",
                "required": ["symbol", "price"],
                "properties": { "symbol": { "type": "string" }, "price": { "type": "string" } }
              },
              "WebhookSignal": {
                "type": "object",
                "description": "A trading signal: a TradingView alert, a signal of the seed system (direction without action) or an alert in the TradersPost bridge format (exit, cancel, add, sentiment, exits as objects). It needs symbol or ticker, and action or direction. Amounts are JSON numbers or decimal strings, parsed exactly; text is trimmed, and an empty value or null counts as absent. Unknown fields are kept in the stored body and have no effect. docs/signals.md gives each field's meaning.",
                "additionalProperties": true,
                "allOf": [
                  { "anyOf": [{ "required": ["symbol"] }, { "required": ["ticker"], "properties": { "ticker": { "type": ["string", "number"] } } }] },
                  {
                    "anyOf": [
                      { "required": ["action"], "properties": { "action": { "type": "string" } } },
                      { "required": ["direction"], "properties": { "direction": { "type": "string" } } }
                    ]
                  }
                ],
                "properties": {
                  "id": {
                    "type": ["string", "number", "null"], "maxLength": 128,
                    "description": "Your id for this alert. With one, a signal is a duplicate only of the earlier signal of this source with the same id, whatever its content."
                  },
                  "symbol": {
                    "type": ["string", "number"], "maxLength": 64, "pattern": "^([A-Za-z0-9._/!-]+:)?[A-Za-z0-9._/!-]+$",
                    "description": "A ticker, with an optional EXCHANGE: prefix (stored as exchange). Stored as sent, upper-cased; signal-processor trades the market it resolves to (BTCUSD, COINBASE:BTCUSD, KRAKEN:XBTUSD: BTC-USD)."
                  },
                  "ticker": {
                    "type": ["string", "number", "null"], "maxLength": 64, "pattern": "^([A-Za-z0-9._/!-]+:)?[A-Za-z0-9._/!-]+$",
                    "description": "Alias of symbol (TradingView's {{ticker}}); symbol wins when both are sent with a value."
                  },
                  "action": {
                    "type": ["string", "null"], "pattern": "^([Bb][Uu][Yy]|[Ss][Ee][Ll][Ll]|[Ee][Xx][Ii][Tt]|[Cc][Aa][Nn][Cc][Ee][Ll]|[Aa][Dd][Dd])$",
                    "description": "buy, sell, exit (close the position of this symbol and strategy), cancel (cancel its open orders) or add (grow the open position on its side), in any case. Optional when direction is given: long alone buys, short alone sells, call or put alone buys an option, which signal-processor rejects (unsupported_instrument)."
                  },
                  "direction": {
                    "type": ["string", "null"], "pattern": "^([Ll][Oo][Nn][Gg]|[Ss][Hh][Oo][Rr][Tt]|[Cc][Aa][Ll][Ll]|[Pp][Uu][Tt])$",
                    "description": "long, short, call or put, in any case. sell with long closes the long only, buy with short closes the short only: neither opens the other side. exit and add with long or short act only on a position of that side."
                  },
                  "sentiment": {
                    "type": ["string", "null"], "pattern": "^([Ll][Oo][Nn][Gg]|[Ss][Hh][Oo][Rr][Tt]|[Ff][Ll][Aa][Tt]|[Bb][Uu][Ll][Ll][Ii][Ss][Hh]|[Bb][Ee][Aa][Rr][Ii][Ss][Hh])$",
                    "description": "The position expected after the trade, in any case: long (or bullish), short (or bearish), flat. Stored as long, short or flat. flat with buy or sell closes the whole position and ignores quantity; signal-processor rejects a trade that would not leave this position (sentiment_mismatch). 400 when it contradicts direction long or short, or is long or short with exit."
                  },
                  "quantity": {
                    "$ref": "#/components/schemas/Decimal",
                    "description": "Units of the base asset, above 0. Optional: an exit, a closing buy or sell and a flat sentiment take the position's quantity, cancel ignores it, and a buy, sell or add without one trades the account's defaultOrderNotional (risk limits); without that, signal-processor rejects it (missing_quantity)."
                  },
                  "size": { "$ref": "#/components/schemas/Decimal", "description": "Alias of quantity; quantity wins when both are sent with a value." },
                  "quantityType": {
                    "type": ["string", "null"], "pattern": "^([Ff][Ii][Xx][Ee][Dd]_[Qq][Uu][Aa][Nn][Tt][Ii][Tt][Yy]|[Dd][Oo][Ll][Ll][Aa][Rr]_[Aa][Mm][Oo][Uu][Nn][Tt])$",
                    "description": "What quantity counts: fixed_quantity (units of the base asset, the default) or dollar_amount (an amount of the quote currency, stored as notional and sized at the expected fill price). Requires quantity; other bridge values (percent_of_equity, risk_dollar_amount, ...) are a 400."
                  },
                  "optionType": {
                    "type": ["string", "null"], "pattern": "^([Cc][Aa][Ll][Ll]|[Pp][Uu][Tt])$",
                    "description": "call or put: read as direction call or put (an option signal, which signal-processor rejects: unsupported_instrument). A 400 naming both when direction says otherwise."
                  },
                  "price": { "$ref": "#/components/schemas/Decimal", "description": "Above 0. The limit of a limit order (required then, except for cancel); for a market order, the price the alert saw." },
                  "signalPrice": {
                    "$ref": "#/components/schemas/Decimal",
                    "description": "The market price when the alert fired: a market order's price when price is absent. Paper fills use it only on accounts created with --trust-signal-price."
                  },
                  "orderType": { "type": ["string", "null"], "pattern": "^([Mm][Aa][Rr][Kk][Ee][Tt]|[Ll][Ii][Mm][Ii][Tt])$", "description": "market (the default) or limit, in any case." },
                  "stopLoss": {
                    "description": "A price (a number or a decimal string), or an object (StopLossLevel): a price, a percentage or an amount away from the entry price, or a trailing stop.",
                    "anyOf": [{ "$ref": "#/components/schemas/Decimal" }, { "$ref": "#/components/schemas/StopLossLevel" }]
                  },
                  "takeProfit": {
                    "description": "A price (a number or a decimal string), or an object (TakeProfitLevel): a price, a percentage or an amount away from the entry price.",
                    "anyOf": [{ "$ref": "#/components/schemas/Decimal" }, { "$ref": "#/components/schemas/TakeProfitLevel" }]
                  },
                  "timeframe": { "type": ["string", "number", "null"], "maxLength": 16, "description": "The chart's interval, as text (TradingView's {{interval}}: 5, 60, 1D)." },
                  "interval": { "type": ["string", "number", "null"], "maxLength": 16, "description": "Alias of timeframe; timeframe wins when both are sent." },
                  "strike": { "$ref": "#/components/schemas/Decimal" },
                  "expiration": { "type": ["string", "number", "null"], "maxLength": 32 },
                  "strategy": { "type": ["string", "number", "null"], "maxLength": 128, "description": "Names the position: positions are kept per symbol and strategy." },
                  "comment": { "type": ["string", "number", "null"], "maxLength": 1024 },
                  "timestamp": { "type": ["string", "integer", "null"], "description": "When the alert fired: RFC 3339 or epoch milliseconds." },
                  "time": { "type": ["string", "integer", "null"], "description": "Alias of timestamp (TradingView's {{timenow}}); timestamp wins when both are sent." },
                  "timeInForce": {
                    "type": ["string", "null"], "pattern": "^([Gg][Tt][Cc]|[Ii][Oo][Cc]|[Dd][Aa][Yy]|[Gg][Tt][Dd])$",
                    "description": "gtc, ioc, day or gtd, any case."
                  },
                  "expiresAt": {
                    "type": ["string", "null"],
                    "description": "RFC 3339; required with timeInForce gtd and refused without it; must be in the future when received."
                  },
                  "trailingStopPercent": {
                    "type": ["string", "number", "null"], "exclusiveMinimum": 0, "exclusiveMaximum": 100,
                    "description": "Parsed exactly; a JSON number or a decimal string, above 0 and below 100. Not together with a trailing_stop stopLoss."
                  },
                  "secret": { "type": "string", "description": "The source's secret, when the sender cannot sign (TradingView). Removed before the signal is stored, logged or published." }
                }
              },
              "StopLossLevel": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": false,
                "description": "type stop (the default): exactly one of price or stopPrice (the stop price), percent (above 0, below 100) or amount (in the quote currency) away from the entry price, which signal-processor resolves from the expected fill price when it places the order. type trailing_stop: trailPercent (or percent) alone, above 0 and below 100, the same as trailingStopPercent. Refused with a 400 naming the key: type stop_limit and limitPrice (a paper stop fills at the market once reached), trailAmount, trailPercent with type stop, a price, an amount or a second percent beside a trailing_stop, and any other key.",
                "properties": {
                  "type": { "type": ["string", "null"], "pattern": "^([Ss][Tt][Oo][Pp]|[Tt][Rr][Aa][Ii][Ll][Ii][Nn][Gg]_[Ss][Tt][Oo][Pp])$", "description": "stop or trailing_stop, in any case." },
                  "price": { "$ref": "#/components/schemas/Decimal" },
                  "stopPrice": { "$ref": "#/components/schemas/Decimal" },
                  "percent": { "type": ["string", "number", "null"], "exclusiveMinimum": 0, "exclusiveMaximum": 100 },
                  "amount": { "$ref": "#/components/schemas/Decimal" },
                  "trailPercent": { "type": ["string", "number", "null"], "exclusiveMinimum": 0, "exclusiveMaximum": 100 }
                }
              },
              "TakeProfitLevel": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": false,
                "description": "Exactly one of price or limitPrice (the target price), percent or amount (in the quote currency) away from the entry price, which signal-processor resolves from the expected fill price when it places the order. Any other key is refused with a 400 naming it.",
                "properties": {
                  "price": { "$ref": "#/components/schemas/Decimal" },
                  "limitPrice": { "$ref": "#/components/schemas/Decimal" },
                  "percent": { "type": ["string", "number", "null"], "exclusiveMinimum": 0 },
                  "amount": { "$ref": "#/components/schemas/Decimal" }
                }
              },
              "WebhookResult": {
                "type": "object",
                "required": ["id", "signal_id", "status", "request_id"],
                "properties": {
                  "id": { "type": "string", "format": "uuid", "description": "The signal's id; for a duplicate, the earlier signal's." },
                  "signal_id": { "type": "string", "format": "uuid", "description": "The same as id, under the name the seed systems' clients read." },
                  "status": { "type": "string", "enum": ["accepted", "duplicate"] },
                  "request_id": {
                    "type": "string",
                    "description": "This request's id, the same as the X-Request-Id response header: the caller's own X-Request-Id when it sent one."
                  }
                }
              },
              "WebhookTest": {
                "type": "object",
                "required": ["status", "message", "timestamp"],
                "properties": {
                  "status": { "type": "string", "enum": ["ok"] },
                  "message": { "type": "string" },
                  "timestamp": { "type": "string", "format": "date-time", "description": "The server's time, RFC 3339." }
                }
              },
              "Source": {
                "type": "object",
                "required": ["id", "name", "isDefault", "createdAt", "webhookPath"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "name": { "type": "string" },
                  "isDefault": { "type": "boolean" },
                  "createdAt": { "type": "string", "format": "date-time" },
                  "webhookPath": { "type": "string" },
                  "secret": { "type": "string", "description": "Only when created or rotated." }
                }
              },
              "SourceInput": {
                "type": "object",
                "required": ["name"],
                "properties": {
                  "name": {
                    "type": "string",
                    "pattern": "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$",
                    "not": { "const": "default" },
                    "description": "Letters, digits, space, '.', '_' or '-', starting with a letter or digit; 'default' is reserved."
                  }
                }
              },
              "SourceList": {
                "type": "object",
                "required": ["data"],
                "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Source" } }, "nextCursor": { "type": "string" } }
              },
              "Signal": {
                "type": "object",
                "required": ["id", "sourceId", "userId", "symbol", "action", "orderType", "receivedAt"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "sourceId": { "type": "string", "format": "uuid" },
                  "userId": { "type": "string", "format": "uuid" },
                  "clientId": { "type": "string" },
                  "exchange": { "type": "string" },
                  "symbol": { "type": "string" },
                  "action": {
                    "type": "string", "enum": ["buy", "sell", "exit", "cancel", "add"],
                    "description": "As sent, lower-cased; a signal sent with a direction alone has buy (long, call, put) or sell (short)."
                  },
                  "direction": { "type": "string", "enum": ["long", "short", "call", "put"] },
                  "sentiment": { "type": "string", "enum": ["long", "short", "flat"], "description": "bullish is stored as long, bearish as short." },
                  "quantity": { "type": "string", "description": "quantity or size as sent." },
                  "price": { "type": "string", "description": "price, or for a market order without one, signalPrice." },
                  "orderType": { "type": "string", "enum": ["market", "limit"] },
                  "stopLoss": { "type": "string", "description": "A stop loss given as a price." },
                  "takeProfit": { "type": "string", "description": "A take profit given as a price." },
                  "timeframe": { "type": "string", "description": "timeframe or interval as sent." },
                  "strike": { "type": "string" },
                  "expiration": { "type": "string" },
                  "strategy": { "type": "string" },
                  "comment": { "type": "string" },
                  "timestamp": { "type": "string", "format": "date-time", "description": "timestamp or time as sent." },
                  "receivedAt": { "type": "string", "format": "date-time" },
                  "timeInForce": { "type": "string", "enum": ["gtc", "ioc", "day", "gtd"] },
                  "expiresAt": { "type": "string", "format": "date-time" },
                  "trailingStopPercent": { "type": "string", "description": "trailingStopPercent, or the trailPercent of a trailing_stop stopLoss." },
                  "stopLossPercent": { "type": "string", "description": "A stop loss this percentage of the entry price away from it." },
                  "stopLossAmount": { "type": "string", "description": "A stop loss this amount of the quote currency away from the entry price." },
                  "takeProfitPercent": { "type": "string", "description": "A take profit this percentage of the entry price away from it." },
                  "takeProfitAmount": { "type": "string", "description": "A take profit this amount of the quote currency away from the entry price." },
                  "notional": { "type": "string", "description": "The size as an amount of the quote currency (quantityType dollar_amount), in place of quantity." }
                }
              },
              "SignalList": {
                "type": "object",
                "required": ["data"],
                "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Signal" } }, "nextCursor": { "type": "string" } }
              },
              "Amount": { "type": "string", "description": "An exact decimal, e.g. \"25012.5\"." },
              "Balance": {
                "type": "object",
                "required": ["asset", "available", "locked"],
                "properties": {
                  "asset": { "type": "string" },
                  "available": { "$ref": "#/components/schemas/Amount" },
                  "locked": { "$ref": "#/components/schemas/Amount", "description": "Held back by open orders." }
                }
              },
              "Account": {
                "type": "object",
                "required": ["id", "quoteCurrency", "allowShort", "takerFeeBps", "makerFeeBps", "slippageBps", "balances", "createdAt"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "quoteCurrency": { "type": "string" },
                  "allowShort": { "type": "boolean" },
                  "takerFeeBps": { "$ref": "#/components/schemas/Amount" },
                  "makerFeeBps": { "$ref": "#/components/schemas/Amount" },
                  "slippageBps": { "$ref": "#/components/schemas/Amount" },
                  "balances": { "type": "array", "items": { "$ref": "#/components/schemas/Balance" } },
                  "createdAt": { "type": "string", "format": "date-time" }
                }
              },
              "Order": {
                "type": "object",
                "required": ["id", "accountId", "clientOrderId", "symbol", "side", "type", "timeInForce", "quantity", "filledQuantity", "fees", "status"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "accountId": { "type": "string", "format": "uuid" },
                  "clientOrderId": { "type": "string" },
                  "signalId": { "type": "string", "format": "uuid" },
                  "symbol": { "type": "string" },
                  "side": { "type": "string", "enum": ["buy", "sell"] },
                  "type": { "type": "string", "enum": ["market", "limit"] },
                  "timeInForce": { "type": "string", "enum": ["gtc", "ioc", "day", "gtd"] },
                  "limitPrice": { "$ref": "#/components/schemas/Amount" },
                  "quantity": { "$ref": "#/components/schemas/Amount" },
                  "filledQuantity": { "$ref": "#/components/schemas/Amount" },
                  "averagePrice": { "$ref": "#/components/schemas/Amount" },
                  "fees": { "$ref": "#/components/schemas/Amount" },
                  "status": { "type": "string", "enum": ["new", "partially_filled", "filled", "canceled", "expired", "rejected"] },
                  "reason": { "type": "string" },
                  "strategy": { "type": "string" },
                  "stopLoss": { "$ref": "#/components/schemas/Amount" },
                  "takeProfit": { "$ref": "#/components/schemas/Amount" },
                  "trailingStopPercent": { "$ref": "#/components/schemas/Amount", "description": "Handed to the position the order opens or grows." },
                  "expiresAt": { "type": "string", "format": "date-time" },
                  "lockedAmount": { "$ref": "#/components/schemas/Amount", "description": "What the open order still holds back." },
                  "createdAt": { "type": "string", "format": "date-time" },
                  "updatedAt": { "type": "string", "format": "date-time" }
                }
              },
              "OrderList": {
                "type": "object",
                "required": ["data"],
                "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Order" } }, "nextCursor": { "type": "string" } }
              },
              "Fill": {
                "type": "object",
                "required": ["id", "orderId", "accountId", "symbol", "side", "price", "quantity", "fee", "feeAsset", "liquidity", "executedAt"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "orderId": { "type": "string", "format": "uuid" },
                  "accountId": { "type": "string", "format": "uuid" },
                  "symbol": { "type": "string" },
                  "side": { "type": "string", "enum": ["buy", "sell"] },
                  "price": { "$ref": "#/components/schemas/Amount" },
                  "quantity": { "$ref": "#/components/schemas/Amount" },
                  "fee": { "$ref": "#/components/schemas/Amount" },
                  "feeAsset": { "type": "string" },
                  "liquidity": { "type": "string", "enum": ["maker", "taker"] },
                  "marketTradeId": { "$ref": "#/components/schemas/TradeID" },
                  "executedAt": { "type": "string", "format": "date-time" }
                }
              },
              "FillList": {
                "type": "object",
                "required": ["data"],
                "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Fill" } }, "nextCursor": { "type": "string" } }
              },
              "Position": {
                "type": "object",
                "required": ["id", "accountId", "symbol", "side", "quantity", "averageEntryPrice", "realizedPnl", "status"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "accountId": { "type": "string", "format": "uuid" },
                  "symbol": { "type": "string" },
                  "strategy": { "type": "string" },
                  "side": { "type": "string", "enum": ["long", "short"] },
                  "quantity": { "$ref": "#/components/schemas/Amount" },
                  "averageEntryPrice": { "$ref": "#/components/schemas/Amount" },
                  "realizedPnl": { "$ref": "#/components/schemas/Amount", "description": "Net of the fees of all its fills." },
                  "markPrice": { "$ref": "#/components/schemas/Amount" },
                  "unrealizedPnl": { "$ref": "#/components/schemas/Amount" },
                  "stopLoss": { "$ref": "#/components/schemas/Amount" },
                  "takeProfit": { "$ref": "#/components/schemas/Amount" },
                  "trailingStopPercent": { "$ref": "#/components/schemas/Amount", "description": "Closes the position when the price falls this far below its best (rises above, for a short)." },
                  "bestPrice": { "$ref": "#/components/schemas/Amount", "description": "The best price since the trailing stop was set." },
                  "status": { "type": "string", "enum": ["open", "closed"] },
                  "closeReason": { "type": "string" },
                  "openedAt": { "type": "string", "format": "date-time" },
                  "updatedAt": { "type": "string", "format": "date-time" },
                  "closedAt": { "type": "string", "format": "date-time" }
                }
              },
              "PositionList": {
                "type": "object",
                "required": ["data"],
                "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Position" } }, "nextCursor": { "type": "string" } }
              },
              "TradingSession": {
                "type": "object",
                "description": "A market's trading hours; a window whose close is not after its open runs past midnight.",
                "required": ["exchange", "timeZone", "days", "open", "close"],
                "additionalProperties": false,
                "properties": {
                  "exchange": { "type": "string", "pattern": "^[A-Za-z0-9._/!-]{1,32}$", "description": "The signals' exchange, e.g. NYSE (any case)" },
                  "timeZone": { "type": "string", "pattern": "^[A-Za-z0-9_/+-]{1,64}$", "description": "An IANA time zone, e.g. America/New_York" },
                  "days": {
                    "type": "array", "minItems": 1, "maxItems": 7, "description": "ISO weekdays the window opens on: 1 = Monday ... 7 = Sunday",
                    "items": { "type": "integer", "minimum": 1, "maximum": 7 }
                  },
                  "open": { "type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "HH:MM, local time" },
                  "close": { "type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "HH:MM, local time" }
                }
              },
              "RiskLimits": {
                "type": "object",
                "description": "Limits that are off are left out.",
                "required": ["tradingSessions"],
                "properties": {
                  "maxOpenPositions": { "type": "integer" },
                  "maxOpenPositionsPerSymbol": { "type": "integer" },
                  "maxOrderNotional": { "$ref": "#/components/schemas/Amount" },
                  "maxPositionPercentOfEquity": { "$ref": "#/components/schemas/Amount" },
                  "maxTotalExposure": { "$ref": "#/components/schemas/Amount" },
                  "minOrderNotional": { "$ref": "#/components/schemas/Amount" },
                  "defaultOrderNotional": {
                    "$ref": "#/components/schemas/Amount",
                    "description": "The notional, in the account's currency, of an order whose signal gives no quantity."
                  },
                  "tradingSessions": { "type": "array", "items": { "$ref": "#/components/schemas/TradingSession" } }
                }
              },
              "Count": { "type": ["integer", "null"], "minimum": 1, "maximum": 2147483647 },
              "PositiveDecimal": {
                "type": ["string", "number", "null"],
                "exclusiveMinimum": 0,
                "pattern": "^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$",
                "description": "Greater than 0, parsed exactly: a JSON number or a decimal string such as \"1000.50\" or \"1e-8\"."
              },
              "RiskLimitsInput": {
                "type": "object",
                "description": "Replaces every limit: one that is absent or null is off. Every invalid field is reported in one 400.",
                "additionalProperties": false,
                "properties": {
                  "maxOpenPositions": { "$ref": "#/components/schemas/Count" },
                  "maxOpenPositionsPerSymbol": { "$ref": "#/components/schemas/Count" },
                  "maxOrderNotional": { "$ref": "#/components/schemas/PositiveDecimal" },
                  "maxPositionPercentOfEquity": { "$ref": "#/components/schemas/PositiveDecimal", "description": "A position's notional as a percentage of equity" },
                  "maxTotalExposure": { "$ref": "#/components/schemas/PositiveDecimal" },
                  "minOrderNotional": { "$ref": "#/components/schemas/PositiveDecimal", "description": "At most maxOrderNotional" },
                  "defaultOrderNotional": {
                    "$ref": "#/components/schemas/PositiveDecimal",
                    "description": "The notional of an order whose signal gives no quantity (the seed's direction-only signals, bridge alerts without one), between minOrderNotional and maxOrderNotional; absent or null: such signals are rejected (missing_quantity)"
                  },
                  "tradingSessions": {
                    "type": ["array", "null"], "maxItems": 50,
                    "items": { "$ref": "#/components/schemas/TradingSession" }
                  }
                }
              }
            },
            "requestBodies": {
              "Signal": {
                "required": true,
                "content": {
                  "application/json": { "schema": { "$ref": "#/components/schemas/WebhookSignal" } },
                  "text/plain": { "schema": { "type": "string" }, "description": "JSON, as TradingView sends it" }
                }
              }
            },
            "responses": {
              "Problem": { "description": "An error", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
              "Accepted": { "description": "Accepted", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookResult" } } } },
              "Duplicate": { "description": "Duplicate of an earlier signal", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookResult" } } } }
            }
          },
          "paths": {
            "/webhook/test": {
              "get": {
                "summary": "Connectivity check",
                "responses": { "200": { "description": "Reachable", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookTest" } } } } }
              }
            },
            "/webhook": {
              "post": {
                "summary": "Receive a signal for the default source (BALLAST_WEBHOOK_SECRET)",
                "description": "Authenticate with the X-Webhook-Signature header or the secret body field (TradingView cannot send headers); a request with neither is refused with 401, so that knowing the URL is not enough to trade. 201 means stored and published, not traded: signal-processor decides afterwards and publishes signal.rejected with the failed rules, or the order's events, on ballast:events. A duplicate (the same id, or without an id the same content within BALLAST_DEDUP_WINDOW_SECONDS) is answered 200 with the earlier signal's id. Fields and their meaning: docs/signals.md.",
                "parameters": [{ "$ref": "#/components/parameters/Signature" }],
                "requestBody": { "$ref": "#/components/requestBodies/Signal" },
                "responses": {
                  "201": { "$ref": "#/components/responses/Accepted" },
                  "200": { "$ref": "#/components/responses/Duplicate" },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "413": { "$ref": "#/components/responses/Problem" },
                  "415": { "$ref": "#/components/responses/Problem" },
                  "429": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/webhook/{sourceId}": {
              "post": {
                "summary": "Receive a signal for one source",
                "description": "Authenticate with the X-Webhook-Signature header or the secret body field (TradingView cannot send headers); a request with neither is refused with 401, so that knowing the URL is not enough to trade. 201 means stored and published, not traded: signal-processor decides afterwards and publishes signal.rejected with the failed rules, or the order's events, on ballast:events. A duplicate (the same id, or without an id the same content within BALLAST_DEDUP_WINDOW_SECONDS) is answered 200 with the earlier signal's id. Fields and their meaning: docs/signals.md.",
                "parameters": [{ "$ref": "#/components/parameters/SourceId" }, { "$ref": "#/components/parameters/Signature" }],
                "requestBody": { "$ref": "#/components/requestBodies/Signal" },
                "responses": {
                  "201": { "$ref": "#/components/responses/Accepted" },
                  "200": { "$ref": "#/components/responses/Duplicate" },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" },
                  "413": { "$ref": "#/components/responses/Problem" },
                  "415": { "$ref": "#/components/responses/Problem" },
                  "429": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/sources": {
              "get": {
                "summary": "Your signal sources",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "Sources", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SourceList" } } } },
                  "401": { "$ref": "#/components/responses/Problem" }
                }
              },
              "post": {
                "summary": "Create a source; its secret is shown once",
                "security": [{ "apiKey": [] }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SourceInput" } } } },
                "responses": {
                  "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Source" } } } },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "409": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/sources/{id}": {
              "parameters": [{ "$ref": "#/components/parameters/Id" }],
              "get": {
                "summary": "One source",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "The source", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Source" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              },
              "patch": {
                "summary": "Rename a source",
                "security": [{ "apiKey": [] }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SourceInput" } } } },
                "responses": {
                  "200": { "description": "Renamed", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Source" } } } },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" },
                  "409": { "$ref": "#/components/responses/Problem" }
                }
              },
              "delete": {
                "summary": "Delete a source and its signals (not the server's default source: 409)",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "204": { "description": "Deleted" },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" },
                  "409": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/sources/{id}/rotate-secret": {
              "parameters": [{ "$ref": "#/components/parameters/Id" }],
              "post": {
                "summary": "Replace a source's secret; the new one is shown once",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "Rotated", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Source" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" },
                  "409": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/signals": {
              "get": {
                "summary": "Your signals, newest first",
                "security": [{ "apiKey": [] }],
                "parameters": [
                  { "name": "sourceId", "in": "query", "schema": { "type": "string", "format": "uuid" } },
                  { "name": "symbol", "in": "query", "schema": { "type": "string", "pattern": "^[A-Za-z0-9._/!-]{0,64}$" } },
                  { "name": "from", "in": "query", "schema": { "type": "string", "format": "date-time" }, "description": "RFC 3339, inclusive" },
                  { "name": "to", "in": "query", "schema": { "type": "string", "format": "date-time" }, "description": "RFC 3339, exclusive" },
                  { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500 }, "description": "default 100" },
                  { "name": "cursor", "in": "query", "schema": { "type": "string", "pattern": "^[0-9]+_[0-9a-fA-F-]{36}$" }, "description": "nextCursor of the previous page" }
                ],
                "responses": {
                  "200": { "description": "A page", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SignalList" } } } },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/signals/{id}": {
              "parameters": [{ "$ref": "#/components/parameters/Id" }],
              "get": {
                "summary": "One signal",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "The signal", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Signal" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/klines": {
              "get": {
                "summary": "Candles of a symbol, oldest first, as Binance-style arrays",
                "description": "Each candle is [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades]: times in epoch milliseconds, decimals as exact strings. With startTime, the first `limit` candles from it; otherwise the latest `limit` up to endTime (or now). An unknown symbol is a 400.",
                "security": [{ "apiKey": [] }],
                "parameters": [
                  { "name": "symbol", "in": "query", "required": true, "schema": { "type": "string", "pattern": "^[A-Za-z0-9._/-]{1,32}$" } },
                  { "name": "interval", "in": "query", "required": true, "schema": { "type": "string", "enum": ["1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1M"] } },
                  { "name": "startTime", "in": "query", "schema": { "type": "integer", "minimum": 0 }, "description": "epoch ms, inclusive" },
                  { "name": "endTime", "in": "query", "schema": { "type": "integer", "minimum": 0 }, "description": "epoch ms, inclusive" },
                  { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000 }, "description": "default 500" }
                ],
                "responses": {
                  "200": {
                    "description": "The candles",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "array",
                          "items": {
                            "type": "array",
                            "minItems": 9,
                            "maxItems": 9,
                            "prefixItems": [
                              { "type": "integer" }, { "type": "string" }, { "type": "string" }, { "type": "string" },
                              { "type": "string" }, { "type": "string" }, { "type": "integer" }, { "type": "string" },
                              { "type": "integer" }
                            ]
                          }
                        }
                      }
                    }
                  },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/ticker/24hr": {
              "get": {
                "summary": "Rolling 24 h statistics, Binance's field set: one symbol's, or every symbol's",
                "security": [{ "apiKey": [] }],
                "parameters": [{ "$ref": "#/components/parameters/MarketSymbol" }],
                "responses": {
                  "200": {
                    "description": "With symbol, one ticker; without, an array of them",
                    "content": {
                      "application/json": {
                        "schema": {
                          "oneOf": [
                            { "$ref": "#/components/schemas/Ticker" },
                            { "type": "array", "items": { "$ref": "#/components/schemas/Ticker" } }
                          ]
                        }
                      }
                    }
                  },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/accounts": {
              "get": {
                "summary": "Your paper trading account: its pricing and balances",
                "description": "Without one: 404, saying how to create it (`ballast account create <user>`).",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "The account", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Account" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/orders": {
              "get": {
                "summary": "Your paper orders, newest first",
                "description": "Empty without a paper account.",
                "security": [{ "apiKey": [] }],
                "parameters": [
                  {
                    "name": "status", "in": "query", "description": "An order status, or open (new and partially filled)",
                    "schema": { "type": "string", "enum": ["open", "new", "partially_filled", "filled", "canceled", "expired", "rejected"] }
                  },
                  { "$ref": "#/components/parameters/TradingSymbol" },
                  { "$ref": "#/components/parameters/TradingLimit" },
                  { "$ref": "#/components/parameters/TradingCursor" }
                ],
                "responses": {
                  "200": { "description": "A page", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderList" } } } },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/orders/{id}": {
              "parameters": [{ "$ref": "#/components/parameters/Id" }],
              "get": {
                "summary": "One order",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "The order", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/orders/{id}/cancel": {
              "parameters": [{ "$ref": "#/components/parameters/Id" }],
              "post": {
                "summary": "Cancel an open order, releasing what it holds back (not open: 409)",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "The canceled order", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" },
                  "409": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/positions": {
              "get": {
                "summary": "Your positions, most recently opened first",
                "description": "Empty without a paper account.",
                "security": [{ "apiKey": [] }],
                "parameters": [
                  { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["open", "closed"] } },
                  { "$ref": "#/components/parameters/TradingSymbol" },
                  { "$ref": "#/components/parameters/TradingLimit" },
                  { "$ref": "#/components/parameters/TradingCursor" }
                ],
                "responses": {
                  "200": { "description": "A page", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PositionList" } } } },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/positions/{id}": {
              "parameters": [{ "$ref": "#/components/parameters/Id" }],
              "get": {
                "summary": "One position, open or closed",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "The position", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Position" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/positions/{id}/close": {
              "parameters": [{ "$ref": "#/components/parameters/Id" }],
              "post": {
                "summary": "Close an open position with a market order at the last price (slippage and taker fee applied)",
                "description": "Unknown or already closed: 404. A short whose buy-back costs more than the available cash: 409. Without a trade of the symbol in the last 60 s: 503 with Retry-After.",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "The closed position", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Position" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" },
                  "409": { "$ref": "#/components/responses/Problem" },
                  "503": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/fills": {
              "get": {
                "summary": "The executions of your orders, newest first",
                "description": "Empty without a paper account.",
                "security": [{ "apiKey": [] }],
                "parameters": [
                  { "$ref": "#/components/parameters/TradingSymbol" },
                  { "name": "orderId", "in": "query", "schema": { "type": "string", "format": "uuid" } },
                  { "$ref": "#/components/parameters/TradingLimit" },
                  { "$ref": "#/components/parameters/TradingCursor" }
                ],
                "responses": {
                  "200": { "description": "A page", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/FillList" } } } },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/risk-limits": {
              "get": {
                "summary": "Your account's risk limits",
                "security": [{ "apiKey": [] }],
                "responses": {
                  "200": { "description": "The limits", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RiskLimits" } } } },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              },
              "put": {
                "summary": "Replace your account's risk limits",
                "security": [{ "apiKey": [] }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RiskLimitsInput" } } } },
                "responses": {
                  "200": { "description": "The limits now in force", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RiskLimits" } } } },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" },
                  "413": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/ticker/price": {
              "get": {
                "summary": "Last trade price: one symbol's, or every symbol's",
                "security": [{ "apiKey": [] }],
                "parameters": [{ "$ref": "#/components/parameters/MarketSymbol" }],
                "responses": {
                  "200": {
                    "description": "With symbol, one price; without, an array of them",
                    "content": {
                      "application/json": {
                        "schema": {
                          "oneOf": [
                            { "$ref": "#/components/schemas/Price" },
                            { "type": "array", "items": { "$ref": "#/components/schemas/Price" } }
                          ]
                        }
                      }
                    }
                  },
                  "400": { "$ref": "#/components/responses/Problem" },
                  "401": { "$ref": "#/components/responses/Problem" },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              }
            }
          }
        }
        """#
}
