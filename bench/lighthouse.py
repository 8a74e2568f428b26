"""Pages as users feel them: Lighthouse (mobile, Slow 4G) on six pages behind Caddy.

    .venv/bin/python bench/lighthouse.py        # make lighthouse
    LIGHTHOUSE_URL=https://localhost:8443 .venv/bin/python bench/lighthouse.py

Without LIGHTHOUSE_URL it serves Samtale itself as it is deployed
(bench/lighthouse_stack.py): a fresh demo database (SQLite), production settings, static
files collected, gunicorn on loopback and Caddy in front of it (HTTPS with Caddy's internal
CA, HTTP/2, `encode zstd gzip`, /static/ from the collected files with a year's immutable
cache, the client address passed on); it takes them down at the end. With LIGHTHOUSE_URL it
measures that address (the compose stack) instead, signing in with the demo logins
(SAMTALE_DEMO_PASSWORD): the stack started with `SAMTALE_REQUIRE_MFA=false make stack`
(HR's page, not the two-factor page HR would be sent to first) and the demo loaded into it
(`manage demo_data --no-logins` in the `migrate` service, with DEBUG=true,
SAMTALE_DEMO_TOOLS=true and SAMTALE_DEMO_PASSWORD set).

Lighthouse (npm `lighthouse`, the version pinned below) is installed into
var/lighthouse/ on first use, and drives Debian's Chromium (CHROME_PATH, /usr/bin/chromium)
with its defaults: the mobile form factor and simulated Slow 4G. Each page is run
LIGHTHOUSE_RUNS times (3) from a cold browser; the table gives the medians. The repeat
visit is not Lighthouse's (it always starts cold): the page is opened twice in one browser
context through the Chrome DevTools Protocol, and the bytes of the second visit are
counted (every response's encodedDataLength, headers included; whatever the cache served
counts as 0), until the network is idle.

Columns: LCP (s), performance and accessibility scores, the stylesheets and scripts in
<head> that block rendering (a stylesheet for every medium, a script with src and neither
defer, async nor type=module), the first visit's bytes (Lighthouse's total-byte-weight)
and the repeat visit's. Every figure also goes to var/lighthouse.json. The last line:
`lighthouse: worst LCP X s, worst perf P, worst a11y A, worst first KiB F, worst repeat KiB R`.
Each run's report stays in var/lighthouse/reports/ until the next run.

Environment: LIGHTHOUSE_URL, LIGHTHOUSE_RUNS (3), LIGHTHOUSE_PAGES (some of: home,
preparation, meeting, overview, status analysis, round; comma-separated), CHROME_PATH.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from lighthouse_stack import VAR, Stack

LIGHTHOUSE_VERSION = "13.5.0"
LIGHTHOUSE_DIR = VAR / "lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Caddy's internal CA is not in the browser's trust store.
    "--ignore-certificate-errors",
]
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
PASSWORD = os.environ.get("SAMTALE_DEMO_PASSWORD", "samtale-demo-2026")
DOMAIN = "fjordvik.example"
EMPLOYEE, LEADER, HR = "magnus.odegard", "per.dahl", "lise.hansen"
OUT = VAR / "lighthouse.json"

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


# --- signing in and finding the pages ---------------------------------------------------


def sign_in(base: str, name: str) -> requests.Session:
    session = requests.Session()
    # Caddy's internal CA is in no trust store; and a CA bundle named in the environment
    # (REQUESTS_CA_BUNDLE) would override verify=False.
    session.trust_env = False
    session.verify = False
    login = f"{base}/logg-inn/"
    page = session.get(login, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not token:
        sys.exit(f"lighthouse: no sign-in form at {login} ({page.status_code})")
    done = session.post(
        login,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": f"{name}@{DOMAIN}",
            "password": PASSWORD,
        },
        headers={"Referer": login},
        timeout=30,
    )
    if urlsplit(done.url).path.startswith("/logg-inn") or done.status_code != 200:
        sys.exit(f"lighthouse: {name} could not sign in at {base} ({done.status_code})")
    return session


def first_link(session: requests.Session, base: str, starts: list[str], pattern: str) -> str:
    """The first link matching `pattern` on the `starts` pages or on the pages they link to
    that match one of `starts`' own kind (a list, then its items)."""
    wanted = re.compile(rf'href="({pattern})"')
    seen: set[str] = set()
    queue = list(starts)
    while queue:
        path = queue.pop(0)
        if path in seen or len(seen) > 40:
            continue
        seen.add(path)
        html = session.get(urljoin(base, path), timeout=30).text
        if found := wanted.search(html):
            return found.group(1)
        # One step further: the conversations listed on the page.
        queue += re.findall(r'href="(/samtaler/\d+/)"', html)
    sys.exit(f"lighthouse: no link like {pattern} from {starts}")


def pages(base: str, sessions: dict[str, requests.Session]) -> list[dict]:
    employee, leader, hr = sessions[EMPLOYEE], sessions[LEADER], sessions[HR]
    found = [
        ("home", EMPLOYEE, "/"),
        ("home", LEADER, "/"),
        (
            "preparation",
            EMPLOYEE,
            first_link(employee, base, ["/", "/samtaler/"], r"/samtaler/\d+/forberedelse/"),
        ),
        ("meeting", LEADER, first_link(leader, base, ["/", "/samtaler/"], r"/samtaler/\d+/mote/")),
        ("overview", LEADER, first_link(leader, base, ["/"], r"/oppfolging/")),
        ("status analysis", HR, first_link(hr, base, ["/"], r"/innsikt/")),
        ("round", HR, first_link(hr, base, ["/", "/runder/"], r"/runder/\d+/")),
    ]
    return [{"page": page, "role": role, "path": path} for page, role, path in found]


# --- what blocks rendering in <head> ----------------------------------------------------


class HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_head = True
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.in_head = False
        if not self.in_head:
            return
        rel = (attrs.get("rel") or "").split()
        media = attrs.get("media") or "all"
        if tag == "link" and "stylesheet" in rel and media in ("all", "screen"):
            self.stylesheets.append(attrs.get("href") or "")
        deferred = {"defer", "async"} & attrs.keys() or attrs.get("type") == "module"
        if tag == "script" and attrs.get("src") and not deferred:
            self.scripts.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def blocking(session: requests.Session, url: str) -> tuple[list[str], list[str]]:
    parser = HeadParser()
    parser.feed(session.get(url, timeout=30).text)
    return parser.stylesheets, parser.scripts


# --- Lighthouse ---------------------------------------------------------------------------


def install_lighthouse() -> None:
    installed = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION:
        return
    npm = shutil.which("npm")
    if not npm:
        sys.exit("lighthouse: npm is not installed (apt-get install npm)")
    print(f"lighthouse: installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR}")
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    (LIGHTHOUSE_DIR / "package.json").write_text('{"private": true}\n')
    subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        cwd=LIGHTHOUSE_DIR,
        check=True,
    )


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


def lighthouse(url: str, cookies: str, report: Path) -> dict:
    """One cold Lighthouse run (mobile, simulated Slow 4G: its defaults). Lighthouse now and
    then fails to record the trace (NO_NAVSTART, NO_FCP): such a run is made again, twice
    at most."""
    for attempt in range(3):
        try:
            return _lighthouse(url, cookies, report)
        except RunFailed as failed:
            if attempt == 2:
                sys.exit(f"lighthouse: {url}: {failed}")
            print(f"  (again: {failed})", flush=True)
    raise AssertionError("unreachable")


class RunFailed(Exception):
    pass


def _lighthouse(url: str, cookies: str, report: Path) -> dict:
    report.unlink(missing_ok=True)
    done = subprocess.run(
        [
            shutil.which("node") or "/usr/bin/node",
            str(LIGHTHOUSE_CLI),
            url,
            "--quiet",
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
            f"--extra-headers={json.dumps({'Cookie': cookies})}",
        ],
        env={**os.environ, "CHROME_PATH": CHROME},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode or not report.exists():
        raise RunFailed(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        raise RunFailed(result["runtimeError"].get("code", "runtime error"))
    audits = result["audits"]
    if urlsplit(result.get("finalDisplayedUrl", url)).path != urlsplit(url).path:
        sys.exit(f"lighthouse: {url} ended at {result['finalDisplayedUrl']} (signed out?)")
    blocking_insight = audits.get("render-blocking-insight", {}).get("details") or {}
    return {
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "si_s": audits["speed-index"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "perf": round(result["categories"]["performance"]["score"] * 100),
        "a11y": round(result["categories"]["accessibility"]["score"] * 100),
        "bytes": audits["total-byte-weight"]["numericValue"],
        # How fast this machine was during the run (Lighthouse's CPU benchmark): the 4x CPU
        # slowdown is applied to what was measured, so a busy machine shows slower pages.
        "benchmark_index": result["environment"]["benchmarkIndex"],
        "render_blocking": [item.get("url") for item in blocking_insight.get("items", [])],
        "a11y_failed": sorted(
            ref["id"]
            for ref in result["categories"]["accessibility"]["auditRefs"]
            if ref.get("weight") and audits[ref["id"]]["score"] == 0
        ),
    }


# --- the repeat visit ---------------------------------------------------------------------


def repeat_bytes(url: str, session: requests.Session) -> dict:
    """The page opened twice in one browser context; the bytes each visit received."""
    from playwright.sync_api import sync_playwright

    host = urlsplit(url).hostname
    cookies = [
        {"name": c.name, "value": c.value, "domain": host, "path": "/", "secure": True}
        for c in session.cookies
    ]
    visits = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROME, args=CHROME_FLAGS[1:])
        context = browser.new_context(ignore_https_errors=True)
        context.add_cookies(cookies)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        received: dict[str, int] = {}
        cdp.on(
            "Network.loadingFinished",
            lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]),
        )
        for _ in range(2):
            received.clear()
            page.goto(url, wait_until="networkidle")
            visits.append({"bytes": sum(received.values()), "requests": len(received)})
        browser.close()
    return {"first_bytes_cdp": visits[0]["bytes"], "repeat_bytes": visits[1]["bytes"]}


# --- the run ------------------------------------------------------------------------------


def slug(row: dict) -> str:
    return f"{row['page'].replace(' ', '-')}-{row['role'].split('.')[0]}"


def kib(value: float) -> str:
    return f"{value / 1024:.1f}"


def main() -> int:
    install_lighthouse()
    base = os.environ.get("LIGHTHOUSE_URL", "").rstrip("/")
    stack = None
    try:
        if not base:
            stack = Stack(PASSWORD)
            base = stack.start()
        sessions = {name: sign_in(base, name) for name in (EMPLOYEE, LEADER, HR)}
        rows = pages(base, sessions)
        if only := os.environ.get("LIGHTHOUSE_PAGES"):
            rows = [row for row in rows if row["page"] in only.split(",")]
        print(f"lighthouse {LIGHTHOUSE_VERSION}, mobile, Slow 4G (simulated), median of {RUNS}")
        reports = LIGHTHOUSE_DIR / "reports"
        shutil.rmtree(reports, ignore_errors=True)
        reports.mkdir(parents=True)
        for row in rows:
            measure(row, base, sessions[row["role"]], reports)
    finally:
        if stack:
            stack.stop()
    worst = report(rows)
    VAR.mkdir(exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "lighthouse": LIGHTHOUSE_VERSION,
                "runs": RUNS,
                "base": base,
                "pages": rows,
                "worst": worst,
            },
            indent=2,
        )
    )
    return 0


def measure(row: dict, base: str, session: requests.Session, reports: Path) -> None:
    """A page's blocking <head>, its Lighthouse runs and their medians, and its repeat
    visit, into `row`."""
    url = base + row["path"]
    row["stylesheets"], row["scripts"] = blocking(session, url)
    runs = [
        lighthouse(url, cookie_header(session), reports / f"{slug(row)}-{i}.json")
        for i in range(RUNS)
    ]
    row["runs"] = runs
    for key in ("lcp_s", "fcp_s", "si_s", "tbt_ms", "cls", "perf", "a11y", "bytes"):
        row[key] = statistics.median(run[key] for run in runs)
    row.update(repeat_bytes(url, session))
    print(
        f"  {row['page']} ({row['role']}): LCP {row['lcp_s']:.2f} s, "
        f"perf {row['perf']:.0f}, a11y {row['a11y']:.0f}",
        flush=True,
    )


def report(rows: list[dict]) -> dict:
    """The table, the machine's speed and the last line, printed: the worst figures."""
    header = (
        f"{'page':<16} {'role':<15} {'LCP s':>6} {'perf':>5} {'a11y':>5} "
        f"{'CSS blk':>7} {'JS blk':>6} {'first KiB':>9} {'repeat KiB':>10}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['page']:<16} {row['role']:<15} {row['lcp_s']:>6.2f} {row['perf']:>5.0f} "
            f"{row['a11y']:>5.0f} {len(row['stylesheets']):>7} {len(row['scripts']):>6} "
            f"{kib(row['bytes']):>9} {kib(row['repeat_bytes']):>10}"
        )
    worst = {
        "lcp_s": max(row["lcp_s"] for row in rows),
        "perf": min(row["perf"] for row in rows),
        "a11y": min(row["a11y"] for row in rows),
        "first_kib": max(row["bytes"] for row in rows) / 1024,
        "repeat_kib": max(row["repeat_bytes"] for row in rows) / 1024,
    }
    lines.append(
        f"lighthouse: worst LCP {worst['lcp_s']:.2f} s, worst perf {worst['perf']:.0f}, "
        f"worst a11y {worst['a11y']:.0f}, worst first KiB {worst['first_kib']:.1f}, "
        f"worst repeat KiB {worst['repeat_kib']:.1f}"
    )
    speeds = [run["benchmark_index"] for row in rows for run in row["runs"]]
    lines.insert(
        -1,
        f"machine: Lighthouse benchmarkIndex median {statistics.median(speeds):.0f} "
        f"({min(speeds):.0f}-{max(speeds):.0f}); load average {os.getloadavg()[0]:.1f}",
    )
    print("\n".join(lines))
    return worst


if __name__ == "__main__":
    warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
    sys.exit(main())
