"""Rendering of the dashboard's HTML shells: templates, the page language, links and headers.

Each page is a server-rendered shell (title, headings, navigation, labels) whose figures a
small script fetches from the hub's own `/graphql`; the shell carries what that script needs
as JSON in a non-executed <script type="application/json"> element.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from hub.portal.messages import messages_for

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")

# Nothing but the hub itself: scripts, styles, images and fetches from this origin only.
# Chart.js and GraphiQL set inline style attributes, hence 'unsafe-inline' for styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def link(lang: str, path: str, **params: str) -> str:
    """A link to one of the dashboard's pages that keeps the page language."""
    query = {key: value for key, value in params.items() if value}
    if lang != "vi":
        query["lang"] = lang
    return f"{path}?{urlencode(query)}" if query else path


def switch_link(request: Request, lang: str) -> str:
    """The same page in the other language."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if lang == "vi":
        query.append(("lang", "en"))
    return f"{request.url.path}?{urlencode(query)}" if query else request.url.path


def render_page(
    request: Request,
    template: str,
    lang: str,
    *,
    data: dict[str, Any] | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """`template` with the page language, its messages and `data` for the page's script."""
    words = messages_for(lang)
    payload = {"lang": lang, "messages": words, **(data or {})}
    # orjson escapes nothing HTML-specific: "</" would end the <script> element early.
    json_text = orjson.dumps(payload).decode().replace("<", "\\u003c")
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": words,
            "link": lambda path, **params: link(lang, path, **params),
            "switch_link": switch_link(request, lang),
            "page_data": Markup(json_text),
            **context,
        },
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Vary"] = "Accept"
    return response
