"""A test and demo simulator of the other side of a Fiks Arkiv integration: Digdir's
Maskinporten (the token endpoint), KS's Fiks IO (the send API over HTTPS, the catalogue's
public keys, the accounts' queues over AMQPS) and a municipality's archive speaking Fiks
Arkiv V1 behind it.

Everything in it is built from the public material: KS's own Fiks IO and Maskinporten
clients (ks-no on GitHub), Digdir's Maskinporten documentation (docs.digdir.no), and KS's
Fiks Arkiv specification (its V1 schemas). Each module says which source each rule comes
from.

It imports nothing of Samtale's (no `samtale`, `config`, `tests`, nor Django), and
tests/test_fiks_simulator.py holds it to that: an integration is proven only against a side
that shares none of its code, since shared code would agree with itself where both sides
misread the specification.

What it does not simulate: Fiks IO's Dokumentlager (large payloads sent by reference:
dokumentlagerId is always null), the catalogue's lookup and account endpoints beyond
offentligNokkel, rate limits and quotas, message expiry beyond the AMQP expiration, AMQP
connection recovery, Maskinporten's audience-restricted scopes, systemuser and pid tokens,
well-known discovery at Digdir's paths, certificate revocation and chains to the real
Buypass/Commfides roots, and the archive's other message types (oppdater, hent, avskrivning,
dokumentobjekt): it answers them ugyldigforespoersel.

Modules: certs (CA, server and enterprise certificates), jws (compact JWS, RS256/384/512),
maskinporten (the token endpoint's rules), fiksio (send API, catalogue, registry), broker
(publishing to RabbitMQ), asice (the payload container), gateway (the AMQPS endpoint),
server (Simulator: HTTPS and the gateway together), noark and records (the archive's XML
and its holdings), archive (the archive system), client (a minimal client, for the tests
and for trying it by hand), samples (Fiks Arkiv messages a fagsystem sends), __main__
(python -m fiks_simulator).
"""
