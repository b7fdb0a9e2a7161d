// A regime's compliance board for one period: counts, a doughnut, and who is where.
import {
  LANG, el, fail, formatDate, formatMoment, gql, page, periodLabel, ready, setupCharts, t,
} from "./portal.js";

const QUERY = `query Compliance($regime: String!, $period: String!) {
  compliance(regime: $regime, period: $period) {
    period asOf deadline cutoffStart cutoffEnd obliged expected onTime late missing
  }
  obligations(regime: $regime, period: $period) {
    agencyCode agencyName(lang: ${LANG}) status firstSubmittedAt latestVersion latestStatus
  }
}`;

const COLORS = { onTime: "#2e7d32", late: "#e09f1f", missing: "#c8102e", expected: "#9aa5b1" };

async function main() {
  const Chart = setupCharts();
  const data = await gql(QUERY, { regime: page.regime, period: page.period });
  const board = data.compliance;
  document.querySelector("[data-period-label]").textContent = periodLabel(board.period);
  document.querySelector("[data-schedule]").textContent =
    `${t("compliance.cutoff")}: ${formatDate(board.cutoffStart)} – ${formatDate(board.cutoffEnd)} · ` +
    `${t("compliance.deadline")}: ${formatDate(board.deadline)} · ${t("compliance.asof")}: ${formatMoment(board.asOf)}`;
  for (const node of document.querySelectorAll("[data-count]")) {
    node.textContent = String(board[node.dataset.count]);
  }
  const keys = ["onTime", "late", "missing", "expected"];
  const labels = { onTime: "compliance.on_time", late: "compliance.late", missing: "compliance.missing", expected: "compliance.expected" };
  const canvas = document.getElementById("status-chart");
  canvas.setAttribute("aria-label", `${t("compliance.chart")}: ${keys.map((k) => `${t(labels[k])} ${board[k]}`).join("; ")}`);
  new Chart(canvas, {
    type: "doughnut",
    data: {
      labels: keys.map((k) => t(labels[k])),
      datasets: [{ data: keys.map((k) => board[k]), backgroundColor: keys.map((k) => COLORS[k]), borderWidth: 2 }],
    },
    options: { cutout: "60%", plugins: { legend: { position: "right" } } },
  });
  for (const section of document.querySelectorAll("[data-list]")) {
    const rows = data.obligations.filter((o) => o.status === section.dataset.list);
    section.querySelector("[data-list-count]").textContent = String(rows.length);
    const list = section.dataset.style === "table" ? section.querySelector("table") : section.querySelector("ul");
    for (const o of rows) {
      const agency = el("span", { class: "agency", text: o.agencyName });
      const code = el("span", { class: "code", text: o.agencyCode });
      if (section.dataset.style === "table") {
        list.querySelector("tbody").append(el("tr", {},
          el("td", {}, agency, " ", code),
          el("td", { text: o.firstSubmittedAt ? formatMoment(o.firstSubmittedAt) : "—" }),
          el("td", { text: o.latestStatus ? `${t(`status.${o.latestStatus}`)} (v${o.latestVersion})` : "—" })));
      } else {
        list.append(el("li", {}, agency, " ", code));
      }
    }
    list.hidden = !rows.length;
    section.querySelector(".empty").hidden = rows.length > 0;
  }
  ready();
}

main().catch(fail);
