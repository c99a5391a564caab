import BallastService
import Rebalancer

await ServiceMain.run(.rebalancer, build: Rebalancer.buildServices)
