import BallastService
import Ingest

await ServiceMain.run(.ingest, build: Ingest.buildServices)
