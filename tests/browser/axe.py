"""axe-core, run in the page by the browser tests: serious and critical findings only."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "zhengxie" / "static" / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page, live_server, scope: str = "#main") -> list[dict]:
    """The serious and critical findings within ``scope`` (a CSS selector, or ``document`` for the whole page). A
    context made with ``context.add_init_script(path=AXE)`` has axe in every page already; others get it here."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
    target = "document" if scope == "document" else repr(scope)
    result = page.evaluate(f"async () => await axe.run({target}, {{resultTypes: ['violations']}})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
