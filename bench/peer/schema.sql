-- The peer's view of the hub's tables (PostGraphile exposes the `peer` schema only): what a
-- PostGraphile user would write to serve the same public state the hub serves, i.e. per
-- observation the accepted revision accepted last, of published indicators, with the codes,
-- names and level of its indicator and area beside it. Smart tags give the views keys and
-- relations.
CREATE SCHEMA IF NOT EXISTS peer;

CREATE OR REPLACE VIEW peer.indicator AS
SELECT i.id, i.code, v.name_vi, v.name_en
FROM public.indicator i
JOIN public.indicator_version v ON v.indicator_id = i.id AND v.status = 'published';
COMMENT ON VIEW peer.indicator IS E'@primaryKey id';

CREATE OR REPLACE VIEW peer.area AS
SELECT id, code, name_vi, name_en, level FROM public.area;
COMMENT ON VIEW peer.area IS E'@primaryKey id';

CREATE OR REPLACE VIEW peer.observation_value AS
SELECT o.id, o.indicator_id, i.code AS indicator_code, o.area_id, a.code AS area_code,
       a.level AS area_level, o.period, o.period_start, o.period_end, o.frequency,
       extract(year FROM o.period_start)::int AS year, o.dimension_key,
       cur.value, cur.status_flag
FROM public.observation o
JOIN public.indicator i ON i.id = o.indicator_id
JOIN public.area a ON a.id = o.area_id
JOIN LATERAL (
  SELECT r.value, r.status_flag FROM public.observation_revision r
  WHERE r.observation_id = o.id AND r.accepted_at IS NOT NULL
  ORDER BY r.accepted_at DESC, r.revision DESC LIMIT 1
) cur ON true
WHERE EXISTS (
  SELECT 1 FROM public.indicator_version v
  WHERE v.indicator_id = o.indicator_id AND v.status = 'published'
);
COMMENT ON VIEW peer.observation_value IS E'@primaryKey id\n@foreignKey (indicator_id) references peer.indicator (id)\n@foreignKey (area_id) references peer.area (id)';
