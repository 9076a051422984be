"""Scale-out on Celery with a Redis broker: one batch across many worker processes or machines.

Workers run the same engine code as the CLI and the app, one job per task, against the
output folder's job store. Late acknowledgement plus the stored prediction id mean a worker
that dies mid-job is replaced without a second submit. Pure Python: no Qt here either.
"""
