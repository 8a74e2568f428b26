"""The work engine: background tasks carried to workers as messages that name their tenant
(docs/developing/decision-work-engine.md).

Each tenant's task table (django-tasks-db's DBTaskResult) stays the outbox and the record: a
task is enqueued by inserting its row in the caller's transaction, so it exists exactly when
that commits. Then the relay (`relay`) publishes a message, {tenant, row}, to the RabbitMQ
queue of the task's kind of work (`kinds`), and a worker process (`app`: Celery) runs the row
in its tenant, having claimed it with a conditional UPDATE: a message sent twice runs the
task once. The scheduler's sweep sends again what was never sent or got lost.

- `kinds`: which kind of work each task is, and the heavy kinds held to a fair share;
- `backend`: the tasks backend that relays each row when its transaction commits;
- `relay`: publishing, the fair share, the sweep;
- `app`: the Celery application and its one task, which runs a row in its tenant.
"""
