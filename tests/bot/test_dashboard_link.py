"""The demo ends with dashboard links; `pemangku dashboard-link --member` gives a fresh one to a
member whose role has the dashboard, and refuses anybody else."""

from __future__ import annotations

import re

from tests.bot.cli_support import Invoke

LINK = re.compile(r"http://127\.0\.0\.1:8080/dasbor/masuk/[\w-]{40,}")


def test_the_demo_prints_links_and_the_command_makes_new_ones(cli: Invoke) -> None:
    demo = cli("demo")
    assert demo.exit_code == 0, demo.output
    assert re.search(r"camat: " + LINK.pattern, demo.stdout) and re.search(
        r"ratna: " + LINK.pattern, demo.stdout
    )
    fresh = cli("dashboard-link", "--member", "camat")
    assert fresh.exit_code == 0 and LINK.search(fresh.stdout)
    refused = cli("dashboard-link", "--member", "slamet")  # a pemangku
    assert refused.exit_code == 2 and "tidak memakai dasbor" in refused.stderr
    assert cli("dashboard-link", "--member", "9999").exit_code == 2
