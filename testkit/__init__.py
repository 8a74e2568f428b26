"""What the tests, the benchmarks and a few scripts stand on, outside the product package
(samtale/): the fixed people (people), the real servers on loopback (mail, calendars, tls),
the app in processes of its own (live), the tests' task transport (drain), the audit log's
triggers lifted for a test (core), and the walk the "no product code does X" guards share
(source). Nothing under samtale/ imports it (import-linter's contract), and the image does
not ship it."""
