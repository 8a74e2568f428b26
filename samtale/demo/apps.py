from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Made-up data and the tools that make it: the demo organization (`manage.py
    demo_data`), the benchmark organizations (`bench_data`, `bench_load`), the start-up
    banner of `make run`. (The people the tests stand on are testkit.people.) Nothing in the
    product imports it; production leaves it out (SAMTALE_DEMO_TOOLS, off unless DEBUG)."""

    name = "samtale.demo"
    label = "demo"
