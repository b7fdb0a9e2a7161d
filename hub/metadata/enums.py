"""Registers the catalog's closed sets (`catalog.model` enums) as GraphQL enums.

strawberry.enum decorates the class in place, so types annotate fields with the model enums
themselves; importing this module is what gives them their GraphQL descriptions.
"""

from __future__ import annotations

import strawberry

from catalog import model
from hub.metadata import indicator_models

strawberry.enum(model.Frequency, description="Reporting frequency (SDMX FREQ code).")
strawberry.enum(model.AgencyKind, description="What kind of agency it is.")
strawberry.enum(model.AreaLevel, description="Level of an administrative unit.")
strawberry.enum(
    model.AggregationRule, description="How an indicator's values combine across areas."
)
strawberry.enum(model.PeriodAggregation, description="How an indicator's values combine over time.")
strawberry.enum(model.ValueType, description="What kind of number a value is.")
strawberry.enum(
    model.RegimeKind, description="Periodic, thematic or ad hoc (Decree 09 Arts. 9-11)."
)
strawberry.enum(model.SubmissionMethod, description="How reports are sent (Decree 09 Art. 8(4)).")
strawberry.enum(model.CutoffKind, description="How the data cut-off window is set.")
strawberry.enum(model.DeadlineKind, description="How the deadline is set.")


strawberry.enum(indicator_models.VersionStatus, description="Lifecycle of a versioned definition.")
