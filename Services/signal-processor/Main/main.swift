import BallastService
import SignalProcessor

await ServiceMain.run(.signalProcessor, build: SignalProcessor.buildServices)
