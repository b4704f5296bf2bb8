// The dashboard page: sign-in, then the channels of one store rendered as KPI tiles, charts
// (Chart.js) and lists. Everything the server sends goes through DashboardClient (protocol.js).

import {DashboardClient} from "./protocol.js";

const STORAGE_KEY = "storepulse.dashboard";
const MINUTES_WIDE = 60;
const MINUTES_NARROW = 30;
const LIST_LENGTH = 5;
const ALERTS_SHOWN = 30;
const MINUTE_MS = 60000;
const HOUR_MS = 3600000;

const $ = (id) => document.getElementById(id);
const narrowScreen = window.matchMedia("(max-width: 700px)");

// ---------------------------------------------------------------- formatting (the browser's locale)

const integerFormat = new Intl.NumberFormat(undefined, {maximumFractionDigits: 0});
const decimalFormat = new Intl.NumberFormat(undefined, {minimumFractionDigits: 2, maximumFractionDigits: 2});
const percentFormat = new Intl.NumberFormat(undefined, {style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1});
const clockFormat = new Intl.DateTimeFormat(undefined, {hour: "numeric", minute: "2-digit"});
const clockSecondsFormat = new Intl.DateTimeFormat(undefined, {hour: "numeric", minute: "2-digit", second: "2-digit"});
const relativeFormat = new Intl.RelativeTimeFormat(undefined, {numeric: "auto"});
const currencyFormats = new Map();

/** XXX is what the server files revenue under when an order names no currency. */
function isCurrency(code) {
  return /^[A-Z]{3}$/.test(code) && code !== "XXX";
}

function currencyFormat(currency, compact) {
  const key = `${currency}${compact ? ":compact" : ""}`;
  if (!currencyFormats.has(key)) {
    currencyFormats.set(key, new Intl.NumberFormat(undefined, compact
        ? {style: "currency", currency, notation: "compact", maximumFractionDigits: 1}
        : {style: "currency", currency}));
  }
  return currencyFormats.get(key);
}

/** Money as decimal strings stays exact: Intl formats a string without going through a double. */
function money(amount, currency) {
  if (amount === undefined || amount === null) {
    return "–";
  }
  return isCurrency(currency) ? currencyFormat(currency, false).format(amount) : decimalFormat.format(amount);
}

/** Short money for chart axes: €1.5K. */
function moneyShort(amount, currency) {
  return isCurrency(currency) ? currencyFormat(currency, true).format(amount) : integerFormat.format(amount);
}

function count(value) {
  return integerFormat.format(value ?? 0);
}

/** Averages of counts: 2.4 orders a minute. */
function decimalOrCount(value) {
  return Number.isInteger(value) ? count(value) : decimalFormat.format(value);
}

function ratio(numerator, denominator) {
  return denominator > 0 ? percentFormat.format(numerator / denominator) : "–";
}

function relativeTime(date, now) {
  const minutes = Math.round((date - now) / MINUTE_MS);
  if (Math.abs(minutes) < 60) {
    return minutes === 0 ? "just now" : relativeFormat.format(minutes, "minute");
  }
  const hours = Math.round(minutes / 60);
  return Math.abs(hours) < 24 ? relativeFormat.format(hours, "hour") : relativeFormat.format(Math.round(hours / 24), "day");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

// ---------------------------------------------------------------- what the channels hold

const data = {
  minutes: new Map(), // metrics 1m: window start -> {start, end, status, metrics, movingAverages?}
  hours: new Map(), // metrics 1h
  trending: new Map(), // "units" | "views" -> {windowStart, windowEnd, status, products}
  inventory: new Map(), // sku -> level
  alerts: new Map(), // "<time>|<kind>|<message>" -> alert
};
const view = {series: "revenue", ranking: "units", lastChange: null};

/** The 1h window holding `now`, and the one before it (1h windows start on the hour, UTC). */
function hourWindows(now) {
  const byStart = new Map([...data.hours.values()].map((win) => [Date.parse(win.start), win]));
  const start = now - now % HOUR_MS;
  return {current: byStart.get(start) || null, previous: byStart.get(start - HOUR_MS) || null};
}

/** The store's main currency: the one with the most revenue in what the page holds. */
function mainCurrency() {
  const totals = new Map();
  for (const win of [...data.hours.values(), ...data.minutes.values()]) {
    for (const [currency, amount] of Object.entries(win.metrics.revenue || {})) {
      totals.set(currency, (totals.get(currency) || 0) + Number(amount));
    }
  }
  let best = null;
  for (const [currency, total] of totals) {
    if (best === null || total > totals.get(best)) {
      best = currency;
    }
  }
  return best;
}

// ---------------------------------------------------------------- rendering

let renderPending = false;

function scheduleRender() {
  if (!renderPending) {
    renderPending = true;
    requestAnimationFrame(() => {
      renderPending = false;
      render();
    });
  }
}

function render() {
  const now = Date.now();
  const currency = mainCurrency();
  const hours = hourWindows(now);
  renderPeriod(now);
  renderKpis(hours, currency);
  renderSales(now, currency);
  renderFunnel(hours.current);
  renderTrending(now);
  renderStock();
  renderAlerts(now);
  renderFooter();
}

function renderPeriod(now) {
  const start = new Date(now - now % HOUR_MS);
  const end = new Date(start.getTime() + HOUR_MS);
  $("period").textContent = `This hour · ${clockFormat.format(start)} – ${clockFormat.format(end)}`;
}

function setKpi(name, value, note) {
  document.querySelector(`[data-kpi="${name}"]`).textContent = value;
  document.querySelector(`[data-kpi-note="${name}"]`).textContent = note;
}

function renderKpis({current, previous}, currency) {
  const m = current ? current.metrics : null;
  const p = previous ? previous.metrics : null;
  const revenue = (metrics) => (metrics && currency ? metrics.revenue[currency] || "0" : null);
  const aov = (metrics) => (metrics && currency ? metrics.averageOrderValue[currency] : null);
  const last = (text) => (p ? `Last hour ${text}` : "");

  const otherCurrencies = m ? Object.keys(m.revenue).filter((c) => c !== currency) : [];
  setKpi("revenue", currency ? money(revenue(m) ?? "0", currency) : "–",
      otherCurrencies.length ? `+ ${otherCurrencies.map((c) => money(m.revenue[c], c)).join(", ")}`
          : last(money(revenue(p), currency)));
  setKpi("orders", count(m?.orders), last(count(p?.orders)));
  setKpi("conversion", ratio(m?.orders ?? 0, m?.visitors ?? 0),
      p ? last(ratio(p.orders, p.visitors)) : "Orders per visitor");
  setKpi("visitors", count(m?.visitors), last(count(p?.visitors)));
  setKpi("aov", currency && aov(m) ? money(aov(m), currency) : "–", p && aov(p) ? last(money(aov(p), currency)) : "");
}

// Chart.js charts, created on first use

const palette = {
  bar: "#6366f1",
  barOpen: "#c7d2fe",
  sma: "#f59e0b",
  ema: "#0d9488",
  grid: "#eceef4",
  text: "#646b81",
};
let salesChart = null;
let salesTooltip = (value) => value;
let funnelChart = null;

Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.color = palette.text;

function baseOptions() {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: {duration: 250},
    interaction: {mode: "index", intersect: false},
    plugins: {
      legend: {
        align: "end",
        labels: {usePointStyle: true, boxWidth: 18, boxHeight: 8, sort: (a, b) => a.datasetIndex - b.datasetIndex},
      },
    },
  };
}

function renderSales(now, currency) {
  const span = narrowScreen.matches ? MINUTES_NARROW : MINUTES_WIDE;
  const byRevenue = view.series === "revenue" && currency !== null;
  const metric = byRevenue ? `revenue:${currency}` : "orders";
  const lastMinute = now - now % MINUTE_MS;
  const byStart = new Map([...data.minutes.values()].map((win) => [Date.parse(win.start), win]));
  const labels = [];
  const values = [];
  const colors = [];
  const simple = [];
  const exponential = [];
  for (let i = span - 1; i >= 0; i--) {
    const start = new Date(lastMinute - i * MINUTE_MS);
    const win = byStart.get(start.getTime());
    const averages = win?.movingAverages?.[metric];
    labels.push(clockFormat.format(start));
    values.push(win ? (byRevenue ? Number(win.metrics.revenue[currency] || 0) : win.metrics.orders) : 0);
    colors.push(win && win.status === "provisional" ? palette.barOpen : palette.bar);
    simple.push(averages ? Number(averages.simple) : null);
    exponential.push(averages ? Number(averages.exponential) : null);
  }
  $("sales-caption").textContent = `Last ${span} minutes${byRevenue ? ` in ${currency}` : ""}; `
      + "lighter bars are still open";
  const tooltip = byRevenue ? (value) => money(value.toFixed(2), currency) : (value) => decimalOrCount(value);
  const axis = byRevenue ? (value) => moneyShort(value, currency) : (value) => count(value);
  // lines are drawn over the bars (a lower order is drawn later)
  const line = {type: "line", borderWidth: 2, pointRadius: 0, pointHoverRadius: 3, pointStyle: "line", tension: 0.3,
    spanGaps: true, order: 1};
  const datasets = [
    {type: "bar", label: byRevenue ? "Revenue" : "Orders", data: values, backgroundColor: colors, borderRadius: 3,
      pointStyle: "rect", order: 2},
    {...line, label: narrowScreen.matches ? "Simple avg." : "Simple moving average", data: simple,
      borderColor: palette.sma, backgroundColor: palette.sma},
    {...line, label: narrowScreen.matches ? "Exponential avg." : "Exponential moving average", data: exponential,
      borderColor: palette.ema,
      backgroundColor: palette.ema, borderDash: [6, 3]},
  ];
  if (!salesChart) {
    const options = baseOptions();
    options.scales = {
      x: {grid: {display: false}, ticks: {color: palette.text, maxRotation: 0, autoSkipPadding: 16}},
      y: {beginAtZero: true, grid: {color: palette.grid}, ticks: {color: palette.text, maxTicksLimit: 6}},
    };
    options.plugins.tooltip = {callbacks: {label: (ctx) => `${ctx.dataset.label}: ${
      ctx.parsed.y === null ? "–" : salesTooltip(ctx.parsed.y)}`}};
    salesChart = new Chart($("sales-chart"), {data: {labels, datasets}, options});
  } else {
    salesChart.data.labels = labels;
    salesChart.data.datasets.forEach((dataset, i) => Object.assign(dataset, datasets[i]));
  }
  salesTooltip = tooltip;
  salesChart.options.scales.y.ticks.callback = (value) => axis(value);
  salesChart.update("none"); // live figures change every second or so: no animation
}

const FUNNEL_STEPS = [
  ["pageViews", "Page views"],
  ["productViews", "Product views"],
  ["carts", "Added to cart"],
  ["checkouts", "Checkouts"],
  ["orders", "Orders"],
];

function renderFunnel(current) {
  const m = current ? current.metrics : {};
  const values = FUNNEL_STEPS.map(([key]) => m[key] || 0);
  if (!funnelChart) {
    const options = baseOptions();
    options.indexAxis = "y";
    options.plugins.legend = {display: false};
    options.scales = {
      x: {beginAtZero: true, grid: {color: palette.grid}, ticks: {color: palette.text, maxTicksLimit: 5, precision: 0}},
      y: {grid: {display: false}, ticks: {color: palette.text}},
    };
    funnelChart = new Chart($("funnel-chart"), {
      type: "bar",
      data: {
        labels: FUNNEL_STEPS.map(([, label]) => label),
        datasets: [{label: "Events", data: values, borderRadius: 4,
          backgroundColor: ["#c7d2fe", "#a5b4fc", "#818cf8", "#6366f1", "#4f46e5"]}],
      },
      options,
    });
  } else {
    funnelChart.data.datasets[0].data = values;
    funnelChart.update("none");
  }
  const steps = [
    ["View → cart", m.productViews ? m.carts / m.productViews : null],
    ["Cart → checkout", m.carts ? m.checkouts / m.carts : null],
    ["Checkout → order", m.checkouts ? m.orders / m.checkouts : null],
  ];
  $("funnel-steps").replaceChildren(...steps.map(([label, value]) => {
    const item = element("li", null, label);
    item.prepend(element("strong", null, value === null ? "–" : percentFormat.format(value)));
    return item;
  }));
}

function renderTrending(now = Date.now()) {
  // the ranking is the newest hour's: after a quiet hour change that is the hour before
  const ranking = data.trending.get(view.ranking);
  const current = ranking && Date.parse(ranking.windowStart) === now - now % HOUR_MS;
  const products = current ? ranking.products.slice(0, LIST_LENGTH) : [];
  const unit = view.ranking === "units" ? "sold" : "views";
  $("trending-empty").hidden = products.length > 0;
  $("trending-empty").textContent = view.ranking === "units" ? "No sales yet this hour." : "No product views yet this hour.";
  $("trending-list").replaceChildren(...products.map((product) => {
    const item = element("li");
    item.dataset.sku = product.sku;
    item.append(element("span", "sku", product.sku), element("span", "count", `${count(product.count)} ${unit}`));
    return item;
  }));
}

function renderStock() {
  const levels = [...data.inventory.values()].filter((level) => level.available <= 0 || level.lowStock);
  levels.sort((a, b) => a.available - b.available || a.sku.localeCompare(b.sku));
  const out = levels.filter((level) => level.available <= 0).length;
  const tracked = data.inventory.size;
  $("stock-summary").textContent = levels.length === 0
      ? `${count(tracked)} SKUs tracked`
      : `${count(out)} out of stock · ${count(levels.length - out)} low · ${count(tracked)} tracked`;
  $("stock-table").hidden = levels.length === 0;
  $("stock-empty").hidden = levels.length > 0;
  $("stock-empty").textContent = tracked === 0
      ? "No stock tracked yet: import levels or send restocks."
      : "Every SKU is in stock.";
  const rows = levels.slice(0, LIST_LENGTH).map((level) => {
    const row = element("tr");
    row.dataset.sku = level.sku;
    const sku = element("td", "sku", level.sku);
    sku.title = `${level.sku}: on hand ${level.onHand}, reserved ${level.reserved}`;
    const status = element("td");
    status.append(stockPill(level));
    row.append(sku, element("td", "num", count(level.available)), element("td", "num", count(level.lowStockThreshold)),
        status);
    return row;
  });
  if (levels.length > LIST_LENGTH) {
    const more = element("tr");
    const cell = element("td", "muted small", `and ${count(levels.length - LIST_LENGTH)} more`);
    cell.colSpan = 4;
    more.append(cell);
    rows.push(more);
  }
  $("stock-rows").replaceChildren(...rows);
}

function stockPill(level) {
  if (level.available < 0) {
    return element("span", "pill out", "Oversold");
  }
  return level.available === 0 ? element("span", "pill out", "Out of stock") : element("span", "pill low", "Low");
}

const ALERT_KINDS = {
  out_of_stock: ["Out of stock", "bad"],
  oversold: ["Oversold", "bad"],
  checkout_broken: ["Checkout may be broken", "bad"],
  drop: ["Unusual drop", "bad"],
  low_stock: ["Low stock", "warn"],
  spike: ["Unusual spike", "warn"],
  back_in_stock: ["Back in stock", "good"],
};

function renderAlerts(now) {
  const keys = [...data.alerts.keys()].sort().reverse().slice(0, ALERTS_SHOWN);
  $("alerts-empty").hidden = keys.length > 0;
  $("alert-feed").replaceChildren(...keys.map((key) => {
    const alert = data.alerts.get(key);
    const [title, tone] = ALERT_KINDS[alert.kind] || [alert.kind.replaceAll("_", " "), "warn"];
    const at = new Date(alert.windowEnd || key.split("|")[0]);
    const item = element("li", tone);
    item.dataset.kind = alert.kind;
    const head = element("div", "alert-title", title);
    const time = element("time", null, relativeTime(at, now));
    time.dateTime = at.toISOString();
    time.title = at.toLocaleString();
    head.append(time);
    // "low stock: SKU x has …" under the title "Low stock": the title says it already
    const message = alert.message.replace(new RegExp(`^${alert.kind.replaceAll("_", " ")}: `, "i"), "");
    item.append(head, element("p", "alert-message", message.charAt(0).toUpperCase() + message.slice(1)));
    return item;
  }));
}

function renderFooter() {
  $("footer").textContent = view.lastChange
      ? `Live from the event log · last change ${clockSecondsFormat.format(view.lastChange)}`
      : "Connected · waiting for the first results…";
}

// ---------------------------------------------------------------- connection indicator

let countdown = null;

function showConnection({state, attempt, retryInMs}) {
  const labels = {connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting", idle: "Not connected"};
  clearInterval(countdown);
  $("connection").dataset.state = state;
  $("connection").title = attempt > 0 ? `Connection lost; attempt ${attempt}` : "";
  $("connection-label").textContent = labels[state] || state;
  $("connection-countdown").textContent = "";
  if (state === "reconnecting" && retryInMs !== null) {
    // the seconds tick outside the status region, so screen readers hear the state once
    const due = Date.now() + retryInMs;
    const tick = () => {
      const seconds = Math.ceil((due - Date.now()) / 1000);
      $("connection-countdown").textContent = seconds > 0 ? `in ${seconds} s` : "…";
    };
    tick();
    countdown = setInterval(tick, 1000);
  }
}

// ---------------------------------------------------------------- sign-in and start

/**
 * Why the token cannot read the store, asked of the read API once the WebSocket handshake has
 * failed (a browser does not tell why); null when the token is fine or the server is unreachable.
 */
async function tokenProblem(store, token) {
  try {
    const response = await fetch(`/v1/stores/${encodeURIComponent(store)}/alerts?limit=1`,
        {headers: {Authorization: `Bearer ${token}`}, cache: "no-store"});
    if (response.status === 401 || response.status === 403) {
      const problem = await response.json().catch(() => ({}));
      return problem.detail || "This token cannot read this store.";
    }
    return null;
  } catch (e) {
    return null; // the server is unreachable: the connection indicator tells that story
  }
}

function saved() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY)) || {};
  } catch (e) {
    return {};
  }
}

function showSignIn(store, token, problem) {
  $("dashboard").hidden = true;
  $("store-label").hidden = true;
  $("switch-store").hidden = true;
  $("signin").hidden = false;
  $("store-input").value = store || "";
  $("token-input").value = token || "";
  $("signin-error").hidden = !problem;
  $("signin-error").textContent = problem ? problem.charAt(0).toUpperCase() + problem.slice(1) : "";
  (store ? $("token-input") : $("store-input")).focus();
}

let client = null;

function open(store, token) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({store, token}));
  const url = new URL(location.href);
  url.searchParams.delete("token"); // keep the token out of the history and bookmarks
  url.searchParams.set("store", store);
  history.replaceState(null, "", url);

  for (const channel of Object.keys(data)) {
    data[channel] = new Map();
  }
  view.lastChange = null;
  $("signin").hidden = true;
  $("dashboard").hidden = false;
  $("store-label").hidden = false;
  $("switch-store").hidden = false;
  $("store-name").textContent = store;
  document.title = `${store} · Live dashboard · storepulse`;

  client = new DashboardClient(token);
  client.addEventListener("status", (event) => {
    const {state, attempt, handshakeFailed} = event.detail;
    showConnection(event.detail);
    if (handshakeFailed && (attempt === 1 || attempt % 4 === 0)) {
      checkToken(store, token); // unknown, or revoked since
    }
  });
  client.addEventListener("problem", (event) => {
    const {code, message} = event.detail;
    console.warn("dashboard:", code, message);
    if (code === "forbidden") {
      signOut(store, message);
    }
  });
  const track = (target) => (state) => {
    data[target] = state;
    view.lastChange = new Date();
    scheduleRender();
  };
  client.subscribe("minutes", {channel: "metrics", store, window: "1m"}, track("minutes"));
  client.subscribe("hours", {channel: "metrics", store, window: "1h"}, track("hours"));
  client.subscribe("trending", {channel: "trending", store, window: "1h"}, track("trending"));
  client.subscribe("inventory", {channel: "inventory", store}, track("inventory"));
  client.subscribe("alerts", {channel: "alerts", store}, track("alerts"));
  client.start();
  render();
}

async function checkToken(store, token) {
  const problem = await tokenProblem(store, token);
  if (problem && client) {
    signOut(store, problem);
  }
}

/** Back to the sign-in form, forgetting the token; with `problem` when the server refused it. */
function signOut(store, problem) {
  if (client) {
    client.stop();
    client = null;
  }
  localStorage.removeItem(STORAGE_KEY);
  showConnection({state: "idle", attempt: 0, retryInMs: null});
  showSignIn(store, "", problem);
}

function wireControls() {
  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    open($("store-input").value.trim(), $("token-input").value.trim());
  });
  $("switch-store").addEventListener("click", () => signOut("", null));
  for (const button of document.querySelectorAll("[data-series]")) {
    button.addEventListener("click", () => {
      view.series = button.dataset.series;
      document.querySelectorAll("[data-series]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      render();
    });
  }
  for (const button of document.querySelectorAll("[data-ranking]")) {
    button.addEventListener("click", () => {
      view.ranking = button.dataset.ranking;
      document.querySelectorAll("[data-ranking]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      renderTrending();
    });
  }
  window.addEventListener("online", () => client?.reconnectNow());
  narrowScreen.addEventListener("change", () => client && render());
  // the hour rolls over and "5 minutes ago" ages even when nothing arrives
  setInterval(() => client && render(), 15000);
}

wireControls();
const params = new URLSearchParams(location.search);
const remembered = saved();
const store = params.get("store") || remembered.store;
const token = params.get("token") || (store === remembered.store ? remembered.token : null);
if (store && token) {
  open(store, token);
} else {
  showSignIn(store, token, null);
}
