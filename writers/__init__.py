"""Where the rows go: PostgreSQL (COPY), CSV files or Parquet files, behind one Writer interface.

The pipeline (pipeline.py) hands a writer each table's rows as typed tuples; `encode` turns a batch into the
writer's format (it runs in the worker processes, so the parallel part of a run includes it) and `write`
stores the encoded batch (in the main process, in chunk order). See base.py.
"""
