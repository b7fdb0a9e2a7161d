"""The vocabularies: closed namespaces fail on typos, prefixes bind as SEMANTICS.md names them."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from catalog.namespaces import (
    DCAT,
    QUDT,
    RH,
    SDMX_ATTRIBUTE,
    SDMX_CODE,
    SDMX_CONCEPT,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    SOURCE_BASE_IRI,
    UNIT,
    bind_prefixes,
)


def test_our_terms_live_under_the_def_namespace() -> None:
    assert RH.Indicator == URIRef("https://reporting-hub.example/def#Indicator")
    assert RH.disaggregation == URIRef("https://reporting-hub.example/def#disaggregation")


@pytest.mark.parametrize("namespace", [RH, QUDT, SDMX_CODE, SDMX_DIMENSION, DCAT])
def test_a_misspelt_term_fails_instead_of_minting_an_iri(namespace: object) -> None:
    with pytest.raises(AttributeError):
        namespace.notATerm  # type: ignore[attr-defined]  # noqa: B018


def test_sdmx_terms_match_the_published_iris() -> None:
    sdmx = "http://purl.org/linked-data/sdmx/2009/"
    assert SDMX_DIMENSION.refArea == URIRef(sdmx + "dimension#refArea")
    assert SDMX_ATTRIBUTE.unitMult == URIRef(sdmx + "attribute#unitMult")
    assert SDMX_MEASURE.obsValue == URIRef(sdmx + "measure#obsValue")
    assert SDMX_CONCEPT.freq == URIRef(sdmx + "concept#freq")
    assert SDMX_CODE["freq-A"] == URIRef(sdmx + "code#freq-A")
    assert SDMX_CODE["sex-T"] == URIRef(sdmx + "code#sex-T")


def test_dcat3_terms_extend_rdflibs_dcat() -> None:
    assert DCAT.DatasetSeries == URIRef("http://www.w3.org/ns/dcat#DatasetSeries")
    assert DCAT.Dataset == URIRef("http://www.w3.org/ns/dcat#Dataset")


def test_qudt_units_are_an_open_namespace() -> None:
    assert str(UNIT.CCY_VND) == "http://qudt.org/vocab/unit/CCY_VND"
    assert QUDT.conversionMultiplier == URIRef("http://qudt.org/schema/qudt/conversionMultiplier")


def test_bind_prefixes_uses_the_names_of_semantics_md() -> None:
    graph = bind_prefixes(Graph())

    bound = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}

    assert bound["rh"] == "https://reporting-hub.example/def#"
    assert bound["dct"] == "http://purl.org/dc/terms/"
    assert bound["sdmx-code"] == "http://purl.org/linked-data/sdmx/2009/code#"
    assert bound["unit"] == "http://qudt.org/vocab/unit/"


def test_the_source_base_is_an_iri_without_trailing_slash() -> None:
    assert SOURCE_BASE_IRI.startswith("https://") and not SOURCE_BASE_IRI.endswith("/")
