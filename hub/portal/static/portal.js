// Shared by the dashboard's pages: the page's data, GraphQL over POST, number, period and date
// formats for vi/en, and chart defaults. Exact values from the API are shown as given (only
// their digits are grouped); charts draw them as floats.

const element = document.getElementById("page-data");
export const page = JSON.parse(element.textContent);
export const lang = page.lang;
export const LANG = lang === "en" ? "EN" : "VI";
const LOCALE = lang === "en" ? "en-GB" : "vi-VN";

export function t(key) {
  return page.messages[key] ?? key;
}

export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) {
    throw new Error(body.errors.map((e) => e.message).join("; "));
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return body.data;
}

// "1234567.5" -> "1.234.567,5" (vi) or "1,234,567.5" (en): the digits as the API gave them.
export function formatExact(value) {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(value));
  if (!match) return String(value);
  const [, sign, whole, fraction] = match;
  const group = lang === "en" ? "," : ".";
  const decimal = lang === "en" ? "." : ",";
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return (sign ? "−" : "") + grouped + (fraction ? decimal + fraction : "");
}

const axisFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });
export function formatAxis(number) {
  return axisFormat.format(number);
}

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ROMAN = ["I", "II", "III", "IV"];

// SDMX period codes as people write them: 2025-Q3 -> "Quý III/2025" / "Q3 2025".
export function periodLabel(code, short = false) {
  let m;
  if ((m = /^(\d{4})$/.exec(code))) return lang === "en" || short ? m[1] : `Năm ${m[1]}`;
  if ((m = /^(\d{4})-S([12])$/.exec(code))) {
    if (lang === "en") return `H${m[2]} ${m[1]}`;
    if (short) return `${m[2] === "1" ? "6T đầu" : "6T cuối"} ${m[1]}`;
    return `6 tháng ${m[2] === "1" ? "đầu" : "cuối"} năm ${m[1]}`;
  }
  if ((m = /^(\d{4})-Q([1-4])$/.exec(code))) {
    if (lang === "en") return `Q${m[2]} ${m[1]}`;
    return short ? `Q${m[2]}/${m[1]}` : `Quý ${ROMAN[m[2] - 1]}/${m[1]}`;
  }
  if ((m = /^(\d{4})-M?(\d{2})$/.exec(code))) {
    const month = Number(m[2]);
    if (lang === "en") return `${MONTHS_EN[month - 1]} ${m[1]}`;
    return short ? `T${month}/${m[1]}` : `Tháng ${month}/${m[1]}`;
  }
  if ((m = /^(\d{4})-W(\d{2})$/.exec(code))) {
    return lang === "en" ? `W${m[2]} ${m[1]}` : `Tuần ${Number(m[2])}/${m[1]}`;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(code)) return formatDate(code);
  return code;
}

const dateFormat = new Intl.DateTimeFormat(LOCALE, {
  day: "2-digit", month: lang === "en" ? "short" : "2-digit", year: "numeric", timeZone: "UTC",
});
const momentFormat = new Intl.DateTimeFormat(LOCALE, {
  day: "2-digit", month: lang === "en" ? "short" : "2-digit", year: "numeric",
  hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh",
});

export function formatDate(isoDate) {
  return dateFormat.format(new Date(`${isoDate}T00:00:00Z`));
}

export function formatMoment(isoMoment) {
  return momentFormat.format(new Date(isoMoment));
}

// The unit as printed next to a value: the catalog's symbol in Vietnamese, the English name
// (lower-cased) in English, except for signs that read the same in both.
export function unitLabel(unit) {
  if (!unit) return "";
  if (lang !== "en" || ["%", "‰", "USD"].includes(unit.symbol)) return unit.symbol;
  const name = unit.nameEn || unit.name || unit.symbol;
  return /^[A-Z][a-z]/.test(name) ? name[0].toLowerCase() + name.slice(1) : name;
}

export const PALETTE = [
  "#1f5fa8", "#c8102e", "#e09f1f", "#00798c", "#5b8c5a", "#7a5195",
  "#ef5675", "#3d405b", "#2a9d8f", "#8c564b",
];

export function setupCharts() {
  const Chart = window.Chart;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family =
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif';
  Chart.defaults.color = "#3b4757";
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  return Chart;
}

export function periodOrder(a, b) {
  return a.periodEnd < b.periodEnd ? -1 : a.periodEnd > b.periodEnd ? 1 : 0;
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// The page tells tests and screenshots when its figures are drawn (or why not).
export function ready() {
  document.querySelectorAll("[aria-busy]").forEach((node) => node.setAttribute("aria-busy", "false"));
  document.body.dataset.ready = "true";
}

export function fail(error) {
  const box = document.querySelector("[data-error]");
  if (box) {
    box.textContent = `${t("error.load")}: ${error.message}`;
    box.hidden = false;
  }
  document.body.dataset.ready = "error";
  console.error(error);
}
