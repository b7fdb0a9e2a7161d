"""GraphiQL for browsers at `/graphql`, from the hub's own copies of graphiql and React."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse

from hub.portal.messages import LANGUAGES
from hub.portal.pages import render_page

# What the editor opens with: a query that answers on the seed catalog and the demo data.
DEFAULT_QUERY = """# Run with Ctrl-Enter or the ▶ button.
# The Docs panel (left) lists the schema.
{
  indicator(code: "0501") {
    code
    name(lang: EN)
    unit { code symbol }
  }
  series(indicator: "HUB-EXPORTS", areas: ["VN"]) {
    areaName(lang: EN)
    points { period value unitCode }
  }
}
"""


def render_graphiql(request: Request) -> HTMLResponse:
    """The IDE page; it sends its queries to `/graphql` by POST, like any client."""
    lang = request.query_params.get("lang", "vi")
    return render_page(
        request,
        "graphiql.html",
        lang if lang in LANGUAGES else "vi",
        data={"endpoint": "/graphql", "defaultQuery": DEFAULT_QUERY},
    )
