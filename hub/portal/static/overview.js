// The national overview: a trend card per headline indicator, provinces ranked.
import {
  LANG, PALETTE, fail, formatAxis, formatExact, gql, page, periodLabel, periodOrder,
  ready, setupCharts, t, unitLabel,
} from "./portal.js";

const NATION = "VN";
const str = (value) => JSON.stringify(value);
const dims = (list) => `[${list.map((d) => `{dimension: ${str(d.dimension)}, code: ${str(d.code)}}`).join(", ")}]`;
// The unit's name in the page's language (`unitLabel` prints it on English pages): no alias,
// so the whole overview stays one query under the hub's limit on aliases.
const INDICATOR = `code name(lang: ${LANG}) valueType unit { symbol name(lang: ${LANG}) }
  disaggregations { code totalCode codes { code name(lang: ${LANG}) } }`;
const SERIES = `areaCode areaName(lang: ${LANG}) frequency unitCode points { period periodEnd value status }`;
// A rolled-up headline: the provinces' values summed into the nation, one group per period.
const ROLLUP = "groups { period periodEnd value }";

function overviewQuery() {
  const parts = [];
  page.headlines.forEach((h, i) => {
    parts.push(`h${i}: indicator(code: ${str(h.indicator)}) { ${INDICATOR} }`);
    parts.push(h.rollup
      ? `hs${i}: aggregate(indicator: ${str(h.indicator)}, groupBy: [PERIOD], areaLevel: NATION, dimensions: ${dims(h.dimensions)}) { ${ROLLUP} }`
      : `hs${i}: series(indicator: ${str(h.indicator)}, areas: [${str(h.area)}], dimensions: ${dims(h.dimensions)}) { ${SERIES} }`);
  });
  page.rankings.forEach((r, i) => {
    parts.push(`r${i}: indicator(code: ${str(r.indicator)}) { ${INDICATOR} }`);
    parts.push(`rs${i}: series(indicator: ${str(r.indicator)}, dimensions: ${dims(r.dimensions)}) { ${SERIES} }`);
  });
  return `query Overview { ${parts.join("\n")} }`;
}

// Of several series (one per frequency), the one with the most points.
function longest(seriesList) {
  return seriesList.reduce((best, s) => (!best || s.points.length > best.points.length ? s : best), null);
}

// The names of the chosen codes that are not totals ("Giá hiện hành", "Cùng kỳ năm trước").
function breakdown(indicator, dimensions) {
  return dimensions.flatMap((d) => {
    const codelist = indicator.disaggregations.find((c) => c.code === d.dimension);
    if (!codelist || codelist.totalCode === d.code) return [];
    const code = codelist.codes.find((c) => c.code === d.code);
    return code ? [code.name] : [];
  }).join(" · ");
}

function label(card, indicator, dimensions, rollup = false) {
  card.querySelector("[data-name]").textContent = indicator.name;
  card.querySelector("[data-unit]").textContent = unitLabel(indicator.unit);
  const parts = [breakdown(indicator, dimensions), rollup ? t("overview.rollup") : ""];
  card.querySelector("[data-breakdown]").textContent = parts.filter(Boolean).join(" · ");
}

// An aggregate's groups as the one series a headline draws.
function asSeries(found) {
  return [{ points: found.groups.map((g) => ({ ...g, status: "NORMAL" })) }];
}

function drawHeadline(Chart, card, indicator, seriesList, dimensions, rollup) {
  label(card, indicator, dimensions, rollup);
  const series = longest(seriesList);
  if (!series || !series.points.length) {
    card.querySelector("[data-value]").textContent = "—";
    card.querySelector("[data-period]").textContent = t("nodata");
    return;
  }
  const points = [...series.points].sort(periodOrder);
  const latest = points[points.length - 1];
  card.querySelector("[data-value]").textContent = formatExact(latest.value);
  card.querySelector("[data-period]").textContent = `${t("latest")}: ${periodLabel(latest.period)}`;
  if (latest.status !== "NORMAL") {
    const flag = card.querySelector("[data-flag]");
    flag.textContent = t(`flag.${latest.status}`);
    flag.hidden = false;
  }
  if (points.length > 1) {
    const before = points[points.length - 2];
    card.querySelector("[data-previous]").textContent =
      `${t("previous")} (${periodLabel(before.period)}): ${formatExact(before.value)}`;
  }
  const canvas = card.querySelector("[data-chart]");
  canvas.setAttribute("aria-label", `${t("trend")}: ${indicator.name}, ${points
    .map((p) => `${periodLabel(p.period, true)} ${formatExact(p.value)}`).join("; ")}`);
  const color = PALETTE[Number(card.dataset.headline) % PALETTE.length];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: points.map((p) => periodLabel(p.period, true)),
      datasets: [{
        label: indicator.name,
        data: points.map((p) => Number(p.value)),
        exact: points.map((p) => p.value),
        borderColor: color,
        backgroundColor: `${color}22`,
        fill: true,
        tension: 0.3,
        pointRadius: points.map((_, i) => (i === points.length - 1 ? 4 : 0)),
        pointBackgroundColor: color,
      }],
    },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (c) => `${formatExact(c.dataset.exact[c.dataIndex])} ${unitLabel(indicator.unit)}` } },
      },
      scales: {
        x: { grid: { display: false }, ticks: { maxTicksLimit: 4, maxRotation: 0, font: { size: 10 } } },
        y: { ticks: { maxTicksLimit: 4, font: { size: 10 }, callback: formatAxis }, grace: "5%" },
      },
    },
  });
}

function drawRanking(Chart, card, indicator, seriesList, dimensions) {
  label(card, indicator, dimensions);
  // An index's base is in its breakdown ("same period last year = 100"): no unit needed.
  const unit = card.querySelector("[data-unit]");
  unit.textContent = `· ${unitLabel(indicator.unit)}`;
  unit.hidden = indicator.valueType === "INDEX";
  const provincial = seriesList.filter((s) => s.areaCode !== NATION && s.points.length);
  const latestEnd = provincial.flatMap((s) => s.points).reduce((m, p) => (p.periodEnd > m ? p.periodEnd : m), "");
  const rows = provincial
    .map((s) => ({ area: s.areaName, point: s.points.find((p) => p.periodEnd === latestEnd) }))
    .filter((row) => row.point)
    .sort((a, b) => Number(b.point.value) - Number(a.point.value));
  if (!rows.length) {
    card.querySelector("[data-period]").textContent = t("nodata");
    return;
  }
  card.querySelector("[data-period]").textContent = periodLabel(rows[0].point.period);
  const canvas = card.querySelector("[data-chart]");
  canvas.setAttribute("aria-label", `${indicator.name}, ${periodLabel(rows[0].point.period)}: ${rows
    .map((r) => `${r.area} ${formatExact(r.point.value)}`).join("; ")}`);
  canvas.parentElement.style.height = `${Math.max(160, rows.length * 30 + 40)}px`;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((r) => r.area),
      datasets: [{
        label: indicator.name,
        data: rows.map((r) => Number(r.point.value)),
        exact: rows.map((r) => r.point.value),
        backgroundColor: rows.map((_, i) => (i === 0 ? "#c8102e" : "#1f5fa8")),
        borderRadius: 3,
        maxBarThickness: 22,
        // An index's bars grow from 100 (the comparison period), not from zero.
        base: indicator.valueType === "INDEX" ? 100 : undefined,
      }],
    },
    options: {
      indexAxis: "y",
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (c) => `${formatExact(c.dataset.exact[c.dataIndex])} ${unitLabel(indicator.unit)}` } },
      },
      scales: {
        x: indicator.valueType === "INDEX"
          ? { ticks: { callback: formatAxis, maxTicksLimit: 5 }, beginAtZero: false, suggestedMin: 100 }
          : { ticks: { callback: formatAxis, maxTicksLimit: 5 }, beginAtZero: true },
        y: { grid: { display: false } },
      },
    },
  });
}

async function main() {
  const Chart = setupCharts();
  const data = await gql(overviewQuery());
  page.headlines.forEach((h, i) => {
    const found = h.rollup ? asSeries(data[`hs${i}`]) : data[`hs${i}`];
    drawHeadline(Chart, document.querySelector(`[data-headline="${i}"]`), data[`h${i}`], found, h.dimensions, h.rollup);
  });
  page.rankings.forEach((_, i) => {
    drawRanking(Chart, document.querySelector(`[data-ranking="${i}"]`), data[`r${i}`], data[`rs${i}`], page.rankings[i].dimensions);
  });
  ready();
}

main().catch(fail);
