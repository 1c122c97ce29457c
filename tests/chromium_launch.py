"""How this project starts Debian's Chromium: one place for the browser tests and the benchmarks.

The background-networking flags matter here: without them Chromium keeps trying to reach Google's
hosts, which this machine's closed network refuses.
"""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
