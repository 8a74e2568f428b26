"""An amqps:// broker of one's own (compose.yaml's RabbitMQ speaks TLS only) is reached with
its certificate checked against SAMTALE_BROKER_CA and its host name the URL's; the stack test
(scripts/stack_checks.py) runs the whole engine through it."""

import ssl

import pika

from samtale.archive.fiks.transport import AmqpTransport
from samtale.work.engine import broker


def test_the_engine_checks_an_amqps_brokers_certificate_and_name(settings, tmp_path):
    settings.SAMTALE_WORK_BROKER_URL = "amqps://samtale:pw@rabbitmq:5671/"
    settings.SAMTALE_BROKER_CA = "/tls/ca.crt"
    try:
        options = broker.configured().conf.broker_use_ssl
    finally:
        settings.SAMTALE_WORK_BROKER_URL = ""
        broker.configured()
    assert options == {
        "ca_certs": "/tls/ca.crt",
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": None,  # py-amqp takes the URL's host, and checks it
    }


def test_a_plain_broker_gets_no_tls_options(settings):
    settings.SAMTALE_WORK_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/"
    assert broker.configured().conf.broker_use_ssl is None


def test_the_archive_channel_checks_an_amqps_brokers_certificate(monkeypatch, tmp_path):
    from testkit.tls import make_tls

    tls = make_tls(tmp_path)
    made = {}
    monkeypatch.setattr(
        pika, "BlockingConnection", lambda parameters: made.setdefault("p", parameters)
    )
    AmqpTransport("amqps://samtale:pw@127.0.0.1:5671/", ca=str(tls.ca))._connect()
    options = made["p"].ssl_options
    assert options.server_hostname == "127.0.0.1"
    assert options.context.verify_mode == ssl.CERT_REQUIRED and options.context.check_hostname
