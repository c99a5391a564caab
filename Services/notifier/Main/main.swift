import BallastService
import Notifier

await ServiceMain.run(.notifier, build: Notifier.buildServices)
