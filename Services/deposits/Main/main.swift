import BallastService
import Deposits

await ServiceMain.run(.deposits, build: Deposits.buildServices)
