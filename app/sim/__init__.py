"""A local, Atlas Cloud compatible server: demo backend, test server and benchmark load.

Pure Python: it must never import Qt (tests check this).
"""

from app.sim.faults import FAULTS, FaultPlan, FaultSpecError
from app.sim.server import SimServer
from app.sim.state import DEMO_KEY

__all__ = ["DEMO_KEY", "FAULTS", "FaultPlan", "FaultSpecError", "SimServer"]
