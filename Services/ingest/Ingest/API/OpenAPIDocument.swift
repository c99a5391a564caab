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
              "MarketSymbol": {
                "name": "symbol", "in": "query", "required": false,
                "description": "A symbol market-data has seen trades of, e.g. BTC-USD; without it, every symbol",
                "schema": { "type": "string", "pattern": "^[A-Za-z0-9._/-]{1,32}$" }
              },
              "Signature": {
                "name": "X-Webhook-Signature", "in": "header", "required": false,
                "description": "sha256=<hex HMAC-SHA256 of the raw body with the source's secret>; or send `secret` in the body.",
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
              "Decimal": { "type": ["string", "number"], "description": "Parsed exactly; a JSON number or a decimal string." },
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
                  "firstId": { "type": "integer" }, "lastId": { "type": "integer" }, "count": { "type": "integer" }
                }
              },
              "Price": {
                "type": "object",
                "required": ["symbol", "price"],
                "properties": { "symbol": { "type": "string" }, "price": { "type": "string" } }
              },
              "WebhookSignal": {
                "type": "object",
                "additionalProperties": true,
                "properties": {
                  "id": { "type": "string", "description": "Your id for this alert; a repeat is a duplicate." },
                  "symbol": { "type": "string" },
                  "ticker": { "type": "string", "description": "Alias of symbol; `BINANCE:BTCUSDT` sets the exchange." },
                  "action": { "type": "string", "description": "buy or sell, any case." },
                  "direction": { "type": "string", "description": "long, short, call or put." },
                  "quantity": { "$ref": "#/components/schemas/Decimal" },
                  "size": { "$ref": "#/components/schemas/Decimal" },
                  "price": { "$ref": "#/components/schemas/Decimal" },
                  "orderType": { "type": "string", "description": "market or limit." },
                  "stopLoss": { "$ref": "#/components/schemas/Decimal" },
                  "takeProfit": { "$ref": "#/components/schemas/Decimal" },
                  "timeframe": { "type": "string" },
                  "strike": { "$ref": "#/components/schemas/Decimal" },
                  "expiration": { "type": "string" },
                  "strategy": { "type": "string" },
                  "comment": { "type": "string" },
                  "timestamp": { "type": ["string", "integer"], "description": "RFC 3339 or epoch milliseconds." },
                  "secret": { "type": "string", "description": "The source's secret, when the sender cannot sign." }
                }
              },
              "WebhookResult": {
                "type": "object",
                "required": ["status"],
                "properties": { "id": { "type": "string", "format": "uuid" }, "status": { "type": "string" }, "message": { "type": "string" } }
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
                  "action": { "type": "string", "enum": ["buy", "sell"] },
                  "direction": { "type": "string", "enum": ["long", "short", "call", "put"] },
                  "quantity": { "type": "string" },
                  "price": { "type": "string" },
                  "orderType": { "type": "string", "enum": ["market", "limit"] },
                  "stopLoss": { "type": "string" },
                  "takeProfit": { "type": "string" },
                  "timeframe": { "type": "string" },
                  "strike": { "type": "string" },
                  "expiration": { "type": "string" },
                  "strategy": { "type": "string" },
                  "comment": { "type": "string" },
                  "timestamp": { "type": "string", "format": "date-time" },
                  "receivedAt": { "type": "string", "format": "date-time" }
                }
              },
              "SignalList": {
                "type": "object",
                "required": ["data"],
                "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Signal" } }, "nextCursor": { "type": "string" } }
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
                "responses": { "200": { "description": "Reachable", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookResult" } } } } }
              }
            },
            "/webhook": {
              "post": {
                "summary": "Receive a signal for the default source (BALLAST_WEBHOOK_SECRET)",
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
