import BallastService
import MarketData

await ServiceMain.run(.marketData, build: MarketData.buildServices)
