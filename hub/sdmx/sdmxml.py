"""What every SDMX-ML 2.1 message shares: namespaces, media types, the header, escaping."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from xml.sax.saxutils import escape, quoteattr

from catalog.model import Text
from hub.sdmx.structure import MAINTENANCE_AGENCY, VERSION

MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
COMMON = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
STRUCTURE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
GENERIC = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
SPECIFIC = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

STRUCTURE_XML = "application/vnd.sdmx.structure+xml;version=2.1"
GENERIC_XML = "application/vnd.sdmx.genericdata+xml;version=2.1"
SPECIFIC_XML = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
DATA_JSON = "application/vnd.sdmx.data+json;version=1.0.0"
DATA_CSV = "application/vnd.sdmx.data+csv;version=1.0.0"

_ids = count(1)


def attr(value: str) -> str:
    return quoteattr(value)


def text(value: str) -> str:
    return escape(value)


def names(label: Text, tag: str = "common:Name") -> str:
    """`<common:Name xml:lang="vi">…</common:Name>` and the English one when there is one."""
    out = f'<{tag} xml:lang="vi">{escape(label.vi)}</{tag}>'
    if label.en:
        out += f'<{tag} xml:lang="en">{escape(label.en)}</{tag}>'
    return out


def header(structure: str = "") -> str:
    """The message header; `structure` is the `<message:Structure>` of a data message."""
    prepared = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return (
        "<message:Header>"
        f"<message:ID>RH{next(_ids):08d}</message:ID>"
        "<message:Test>false</message:Test>"
        f"<message:Prepared>{prepared}</message:Prepared>"
        f"<message:Sender id={attr(MAINTENANCE_AGENCY)}/>"
        f"{structure}"
        "</message:Header>"
    )


def ref(id: str, *, package: str, cls: str, **extra: str) -> str:
    """A `<Ref>` to a maintainable of our agency (or, with `maintainableParentID`, an item)."""
    attrs = {"id": id, "agencyID": MAINTENANCE_AGENCY}
    if "maintainableParentID" in extra:
        attrs["maintainableParentVersion"] = VERSION
    else:
        attrs["version"] = VERSION
    attrs.update(extra)
    attrs.update({"package": package, "class": cls})
    return "<Ref " + " ".join(f"{k}={attr(v)}" for k, v in attrs.items()) + "/>"


def urn(cls: str, id: str, item: str | None = None) -> str:
    """The SDMX URN of a maintainable (and item) of our agency."""
    base = f"urn:sdmx:org.sdmx.infomodel.{cls}={MAINTENANCE_AGENCY}:{id}({VERSION})"
    return f"{base}.{item}" if item is not None else base
