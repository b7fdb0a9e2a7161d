// An indicator's page: its series by area (lines), the provinces ranked on the latest period
// (bars and a table), and its definition and metadata from the catalog.
import {
  LANG, PALETTE, el, fail, formatAxis, formatExact, gql, page, periodLabel, periodOrder,
  ready, setupCharts, t, unitLabel,
} from "./portal.js";

const QUERY = `query IndicatorPage($code: String!) {
  indicator(code: $code) {
    code name(lang: ${LANG}) definition(lang: ${LANG}) method(lang: ${LANG}) source(lang: ${LANG})
    legalBasis frequencies aggregation valueType iri
    unit { code symbol name(lang: ${LANG}) nameEn: name(lang: EN) }
    agency { code name(lang: ${LANG}) }
    group { code name(lang: ${LANG}) }
    disaggregations { code name(lang: ${LANG}) totalCode codes { code name(lang: ${LANG}) } }
  }
  series(indicator: $code) {
    areaCode areaName(lang: ${LANG}) frequency unitCode
    dimensions { dimension code }
    points { period periodEnd value status }
  }
  areas(level: NATION) { edges { node { code } } }
}`;

const FREQUENCY_ORDER = ["MONTHLY", "QUARTERLY", "SEMIANNUAL", "ANNUAL", "WEEKLY", "DAILY"];
const charts = {};
let state;

function dimensionKey(series) {
  return series.dimensions.map((d) => `${d.dimension}=${d.code}`).sort().join("&");
}

function metadata(indicator) {
  const list = document.querySelector("[data-metadata]");
  const iri = list.querySelector("[data-iri]");
  iri.textContent = indicator.iri;
  const rows = [
    ["indicator.definition", indicator.definition],
    ["indicator.method", indicator.method],
    ["indicator.unit", `${indicator.unit.name} (${indicator.unit.symbol})`],
    ["indicator.frequencies", indicator.frequencies.map((f) => t(`freq.${f}`)).join(", ")],
    ["indicator.agency", indicator.agency.name],
    ["indicator.group", indicator.group && indicator.group.name],
    ["indicator.disaggregations", indicator.disaggregations.map((d) => d.name).join("; ")],
    ["indicator.aggregation", t(`agg.${indicator.aggregation}`)],
    ["indicator.source", indicator.source],
    ["indicator.legal", indicator.legalBasis],
  ];
  const before = list.querySelector("dt:nth-of-type(2)");
  for (const [key, value] of rows) {
    if (!value) continue;
    list.insertBefore(el("dt", { text: t(key) }), before);
    list.insertBefore(el("dd", { text: value }), before);
  }
  document.querySelector("[data-summary]").textContent =
    `· ${unitLabel(indicator.unit)} · ${indicator.frequencies.map((f) => t(`freq.${f}`)).join(", ")}`;
}

function select(name, label, options, chosen) {
  const id = `filter-${name}`;
  const box = el("div", { class: "filter" }, el("label", { for: id, text: label }));
  const control = el("select", { id, name });
  for (const [value, text] of options) {
    const option = el("option", { value, text });
    if (value === chosen) option.selected = true;
    control.append(option);
  }
  control.addEventListener("change", () => {
    state.choice[name] = control.value;
    draw();
  });
  box.append(control);
  return box;
}

function filters(indicator, seriesList) {
  const form = document.querySelector("[data-filters]");
  const frequencies = [...new Set(seriesList.map((s) => s.frequency))]
    .sort((a, b) => FREQUENCY_ORDER.indexOf(a) - FREQUENCY_ORDER.indexOf(b));
  const count = (f) => seriesList.filter((s) => s.frequency === f && !state.nations.has(s.areaCode)).length;
  const frequency = [...frequencies].sort((a, b) => count(b) - count(a))[0];
  state.choice = { frequency };
  if (frequencies.length > 1) {
    form.append(select("frequency", t("frequency"), frequencies.map((f) => [f, t(`freq.${f}`)]), frequency));
  }
  for (const codelist of indicator.disaggregations) {
    const present = new Set(seriesList.flatMap((s) => s.dimensions.filter((d) => d.dimension === codelist.code).map((d) => d.code)));
    if (!present.size) continue;
    const codes = codelist.codes.filter((c) => present.has(c.code));
    const chosen = present.has(codelist.totalCode) ? codelist.totalCode : codes[0].code;
    state.choice[codelist.code] = chosen;
    form.append(select(codelist.code, codelist.name, codes.map((c) => [c.code, c.name]), chosen));
  }
  form.hidden = form.querySelectorAll("select").length === 0;
}

function chosenSeries() {
  const wanted = Object.entries(state.choice)
    .filter(([key]) => key !== "frequency")
    .map(([dimension, code]) => `${dimension}=${code}`).sort().join("&");
  return state.series.filter((s) => s.frequency === state.choice.frequency && dimensionKey(s) === wanted);
}

function drawLines(Chart, selected) {
  const provincial = selected.filter((s) => !state.nations.has(s.areaCode));
  // A summed indicator's national line would flatten the provinces': show it alone or not.
  const shown = state.indicator.aggregation === "SUM" && provincial.length ? provincial : selected;
  const periods = [...new Map(shown.flatMap((s) => s.points).map((p) => [p.period, p])).values()].sort(periodOrder);
  const unit = unitLabel(state.indicator.unit);
  document.querySelector("[data-series-meta]").textContent = shown.length
    ? `${t(`freq.${state.choice.frequency}`)} · ${unit} · ${periodLabel(periods[0].period)} – ${periodLabel(periods[periods.length - 1].period)}`
    : t("nodata");
  const canvas = document.getElementById("series-chart");
  // One period is no trend: the ranking beside says it all, so the panel steps aside.
  canvas.closest("section").hidden = periods.length < 2;
  canvas.setAttribute("aria-label", `${t("indicator.series")}: ${shown.map((s) => s.areaName).join(", ")}`);
  charts.lines?.destroy();
  charts.lines = new Chart(canvas, {
    type: "line",
    data: {
      labels: periods.map((p) => periodLabel(p.period, true)),
      datasets: shown.map((s, i) => {
        const byPeriod = new Map(s.points.map((p) => [p.period, p.value]));
        return {
          label: s.areaName,
          data: periods.map((p) => (byPeriod.has(p.period) ? Number(byPeriod.get(p.period)) : null)),
          exact: periods.map((p) => byPeriod.get(p.period)),
          borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: PALETTE[i % PALETTE.length],
          tension: 0.25,
          pointRadius: periods.length > 12 ? 0 : 3,
          spanGaps: true,
        };
      }),
    },
    options: {
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatExact(c.dataset.exact[c.dataIndex])} ${unit}` } },
      },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { ticks: { callback: formatAxis } },
      },
    },
  });
}

function drawRanking(Chart, selected) {
  const provincial = selected.filter((s) => !state.nations.has(s.areaCode) && s.points.length);
  const latestEnd = provincial.flatMap((s) => s.points).reduce((m, p) => (p.periodEnd > m ? p.periodEnd : m), "");
  const rows = provincial
    .map((s) => ({ area: s.areaName, point: s.points.find((p) => p.periodEnd === latestEnd) }))
    .filter((r) => r.point)
    .sort((a, b) => Number(b.point.value) - Number(a.point.value));
  const unit = unitLabel(state.indicator.unit);
  const table = document.querySelector("[data-ranking-table]");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  charts.bars?.destroy();
  const canvas = document.getElementById("ranking-chart");
  canvas.parentElement.hidden = !rows.length;
  table.hidden = !rows.length;
  if (!rows.length) {
    document.querySelector("[data-ranking-meta]").textContent = t("indicator.ranking.none");
    return;
  }
  const period = periodLabel(rows[0].point.period);
  document.querySelector("[data-ranking-meta]").textContent = `${period} · ${unit}`;
  rows.forEach((r, i) => {
    body.append(el("tr", {},
      el("td", { text: String(i + 1) }),
      el("td", { text: r.area }),
      el("td", { class: "num", text: `${formatExact(r.point.value)} ${unit}` })));
  });
  canvas.setAttribute("aria-label", `${t("indicator.ranking")}, ${period}`);
  canvas.parentElement.style.height = `${Math.max(160, rows.length * 30 + 40)}px`;
  charts.bars = new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((r) => r.area),
      datasets: [{
        label: state.indicator.name,
        data: rows.map((r) => Number(r.point.value)),
        exact: rows.map((r) => r.point.value),
        backgroundColor: rows.map((_, i) => (i === 0 ? "#c8102e" : "#1f5fa8")),
        borderRadius: 3,
        maxBarThickness: 22,
        // An index's bars grow from 100 (the comparison period), not from zero.
        base: state.indicator.valueType === "INDEX" ? 100 : undefined,
      }],
    },
    options: {
      indexAxis: "y",
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (c) => `${formatExact(c.dataset.exact[c.dataIndex])} ${unit}` } },
      },
      scales: {
        x: state.indicator.valueType === "INDEX"
          ? { ticks: { callback: formatAxis, maxTicksLimit: 5 }, beginAtZero: false, suggestedMin: 100 }
          : { ticks: { callback: formatAxis, maxTicksLimit: 5 }, beginAtZero: true },
        y: { grid: { display: false } },
      },
    },
  });
}

function draw() {
  const Chart = window.Chart;
  const selected = chosenSeries();
  drawLines(Chart, selected);
  drawRanking(Chart, selected);
}

async function main() {
  setupCharts();
  const data = await gql(QUERY, { code: page.indicator });
  state = {
    indicator: data.indicator,
    series: data.series,
    nations: new Set(data.areas.edges.map((e) => e.node.code)),
  };
  metadata(data.indicator);
  filters(data.indicator, data.series);
  draw();
  ready();
}

main().catch(fail);
