from django.tasks import task


@task
def ping() -> str:
    """Does nothing: that it finishes shows a worker is taking tasks (bench/loadtest.py
    asks it after restarting the database)."""
    return "pong"
