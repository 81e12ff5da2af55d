"""axe-core, run in the page by the browser tests: serious and critical findings only."""


def axe_violations(page, live_server, scope: str = "#main") -> list[dict]:
    """The serious and critical findings within ``scope`` (a CSS selector, or ``document`` for the whole page)."""
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
    target = "document" if scope == "document" else repr(scope)
    result = page.evaluate(f"async () => await axe.run({target}, {{resultTypes: ['violations']}})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
