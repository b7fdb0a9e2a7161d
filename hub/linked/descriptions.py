"""Descriptions of one resource out of the catalog graph, and their small HTML rendering."""

from __future__ import annotations

from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node


def describe(graph: Graph, iri: URIRef) -> Graph:
    """The triples about `iri` and about the parts minted under it (`{iri}/...`), with the
    blank nodes they lead to (ordered lists), followed to the end: a bounded description.

    Regime sections and tables, succession links and codes live under their owner's IRI,
    so one request returns the whole entity; every IRI the hub mints resolves this way.
    """
    prefix = str(iri) + "/"
    out = Graph()
    for prefix_name, namespace in graph.namespaces():
        out.bind(prefix_name, namespace)
    pending: list[BNode] = []
    for s, p, o in graph:
        if s == iri or (isinstance(s, URIRef) and str(s).startswith(prefix)):
            out.add((s, p, o))
            if isinstance(o, BNode):
                pending.append(o)
    seen: set[BNode] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode):
                pending.append(o)
    return out


def _label(graph: Graph, node: Node, lang: str) -> str | None:
    labels = list(graph.objects(node, SKOS.prefLabel))
    for label in labels:
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return str(labels[0]) if labels else None


def _term(graph: Graph, node: Node, link_base: str, local_base: str) -> str:
    if isinstance(node, URIRef):
        text = graph.namespace_manager.normalizeUri(node)
        href = str(node)
        if href.startswith(local_base):
            href = link_base + href[len(local_base) :]
        return f'<a href="{escape(href)}">{escape(text)}</a>'
    if isinstance(node, Literal) and node.language:
        lang = escape(node.language)
        return f'{escape(str(node))} <small lang="{lang}">@{lang}</small>'
    return escape(str(node))


def render_html(description: Graph, iri: URIRef, *, local_base: str, link_base: str) -> str:
    """A plain page listing the description's statements, subject by subject, with links."""
    title = _label(description, iri, "vi") or str(iri)
    subtitle = _label(description, iri, "en")
    sections = []
    subjects = sorted({s for s in description.subjects() if isinstance(s, URIRef)}, key=str)
    for subject in subjects:
        rows = "".join(
            f"<tr><th>{_term(description, p, link_base, local_base)}</th>"
            f"<td>{_term(description, o, link_base, local_base)}</td></tr>"
            for p, o in sorted(
                description.predicate_objects(subject), key=lambda po: (str(po[0]), str(po[1]))
            )
        )
        sections.append(f"<h2><code>{escape(str(subject))}</code></h2><table>{rows}</table>")
    alternates = (
        '<p>Also as <a href="?format=ttl">Turtle</a> and <a href="?format=jsonld">JSON-LD</a>.</p>'
    )
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        "<style>body{font:15px/1.4 system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem}th{text-align:left;vertical-align:top;padding-right:1rem;"
        "font-weight:normal;color:#555}td,th{border-bottom:1px solid #eee;padding:.2rem}"
        "h2{font-size:1rem;margin-top:2rem}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        + (f"<p><em>{escape(subtitle)}</em></p>" if subtitle and subtitle != title else "")
        + alternates
        + "".join(sections)
        + "</body></html>"
    )
