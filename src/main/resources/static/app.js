// The built-in dashboard: an order form, a user's order history with the allowed status changes,
// and the four charts of the Grafana dashboard, from /api/orders and /api/analytics.
// Text from the API or the user is only ever set with textContent: it is shown, never executed.
'use strict';

const NEXT = { PENDING: ['PAID', 'CANCELLED'], PAID: ['SHIPPED', 'CANCELLED'], SHIPPED: ['DELIVERED'], DELIVERED: [], CANCELLED: [] };
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const $ = (id) => document.getElementById(id);

/** Fetches JSON; an API refusal becomes an Error whose message is the problem's detail, in words. */
async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new Error('The server cannot be reached. Is the app running?');
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const detail = body && (body.detail || body.title);
    throw new Error(detail ? detail : 'The server answered ' + response.status + '.');
  }
  return body;
}

function say(element, text, kind) {
  element.textContent = text;
  element.className = 'message ' + (kind || '');
}

function post(path, body) {
  return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function placeOrder(event) {
  event.preventDefault();
  const message = $('form-message');
  const amountText = $('totalAmount').value.trim();
  const amount = Number(amountText);
  if (amountText === '' || !Number.isFinite(amount)) {
    say(message, 'Total amount must be a number such as 99.99.', 'error');
    return;
  }
  const order = { userId: $('userId').value.trim(), totalAmount: amount, shippingAddress: $('shippingAddress').value.trim() };
  $('place-order').disabled = true;
  try {
    const created = await post('/api/orders', order);
    say(message, 'Order ' + created.id + ' placed.', 'ok');
    $('history-user').textContent = created.userId;
    await loadHistory();
  } catch (e) {
    say(message, e.message, 'error');
  } finally {
    $('place-order').disabled = false;
  }
}

async function changeStatus(id, status) {
  try {
    await post('/api/orders/' + encodeURIComponent(id) + '/status', { status: status });
    say($('history-message'), 'Order ' + id + ' is now ' + status + '.', 'ok');
  } catch (e) {
    say($('history-message'), e.message, 'error');
  }
  await loadHistory();
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

async function loadHistory() {
  const user = $('history-user').textContent;
  const tbody = document.querySelector('#history tbody');
  try {
    const page = await api('/api/orders?limit=20&userId=' + encodeURIComponent(user));
    tbody.replaceChildren();
    for (const o of page.orders) {
      const row = document.createElement('tr');
      row.dataset.orderId = o.id;
      cell(row, new Date(o.createdAt).toLocaleString());
      cell(row, money.format(o.totalAmount));
      cell(row, o.shippingAddress, 'address');
      cell(row, o.status, 'status');
      const actions = cell(row, '');
      for (const next of NEXT[o.status] || []) {
        const button = document.createElement('button');
        button.className = 'small';
        button.textContent = next;
        button.dataset.status = next;
        button.addEventListener('click', () => changeStatus(o.id, next));
        actions.appendChild(button);
      }
      tbody.appendChild(row);
    }
    if (page.orders.length === 0) say($('history-message'), 'No orders for this user yet.');
  } catch (e) {
    say($('history-message'), e.message, 'error');
  }
}

let charts;
function setUpCharts() {
  charts = { daily: echarts.init($('chart-daily')), hourly: echarts.init($('chart-hourly')), status: echarts.init($('chart-status')) };
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
}

async function refreshAnalytics() {
  try {
    const [summary, daily, hourly, status] = await Promise.all([
      api('/api/analytics/summary'), api('/api/analytics/daily-sales?days=30'),
      api('/api/analytics/hourly-orders?hours=24'), api('/api/analytics/status-distribution')]);
    $('stat-orders').textContent = String(summary.ordersToday);
    $('stat-revenue').textContent = money.format(summary.revenueToday);
    $('stat-aov').textContent = money.format(summary.averageOrderValue);
    $('stat-freshness').textContent = summary.freshnessMs == null ? 'no data yet' : (summary.freshnessMs / 1000).toFixed(1) + ' s';
    charts.daily.setOption({
      tooltip: { trigger: 'axis' }, grid: { left: 60, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'category', data: daily.days.map((d) => d.date) }, yAxis: { type: 'value' },
      series: [{ name: 'Revenue', type: 'bar', data: daily.days.map((d) => d.revenue) }] });
    charts.hourly.setOption({
      tooltip: { trigger: 'axis' }, grid: { left: 40, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'category', data: hourly.hours.map((h) => h.hour.substring(11, 16)) }, yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: 'Orders', type: 'bar', data: hourly.hours.map((h) => h.orders) }] });
    charts.status.setOption({
      tooltip: { trigger: 'item' }, legend: { orient: 'vertical', left: 'left' },
      series: [{ name: 'Orders', type: 'pie', radius: ['40%', '70%'], data: status.statuses.map((s) => ({ name: s.status, value: s.orders })) }] });
    say($('charts-message'), 'Updated ' + new Date().toLocaleTimeString() + '.');
  } catch (e) {
    say($('charts-message'), 'Charts could not be updated: ' + e.message, 'error');
  }
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const seconds = (s) => (s < 10 ? s.toFixed(2) : number.format(s)) + ' s';

function hopRow(name, waiting, age, rate, dead) {
  const row = document.querySelector('#pipeline tr[data-hop="' + name + '"]');
  row.querySelector('.waiting').textContent = waiting;
  row.querySelector('.age').textContent = age;
  row.querySelector('.rate').textContent = rate;
  row.querySelector('.dead').textContent = dead;
}

async function refreshPipeline() {
  try {
    const p = await api('/api/pipeline');
    const lag = Object.fromEntries(p.hops.map((h) => [h.stage, h]));
    const dead = p.deadLetterRecords || {};
    const dlq = (topic) => (topic in dead ? number.format(dead[topic]) + ' on ' + topic : '–');
    hopRow('outbox', number.format(p.outbox.pendingRows) + ' rows', seconds(p.outbox.oldestPendingAgeSeconds),
      number.format(p.ratesPerSecond.relay),
      number.format(p.outbox.deadLettersWaiting) + ' rows, ' + number.format(p.outbox.heldOrders) + ' orders held');
    for (const stage of ['transformer', 'sink']) {
      const h = lag[stage];
      hopRow(stage, h ? number.format(h.lag) + ' records (group ' + h.group + ')' : '–', '–',
        number.format(p.ratesPerSecond[stage]), dlq(stage === 'transformer' ? 'order.events.dlq' : 'analytics.orders.dlq'));
    }
    const f = p.freshness;
    $('pipeline-freshness').textContent = f.events === 0 ? 'Freshness: no event has landed in the last two minutes.'
      : 'Freshness (event to ClickHouse, last two minutes): p50 ' + seconds(f.p50Seconds) + ', p99 ' + seconds(f.p99Seconds)
        + ', max ' + seconds(f.maxSeconds) + '.';
    if (p.problem) say($('pipeline-message'), 'Numbers of ' + new Date(p.takenAt).toLocaleTimeString() + ': ' + p.problem, 'error');
    else say($('pipeline-message'), 'Measured ' + new Date(p.takenAt).toLocaleTimeString() + '.');
  } catch (e) {
    say($('pipeline-message'), 'Pipeline numbers could not be read: ' + e.message, 'error');
  }
}

// The dead-letter console. The login is kept in this page's memory only, and sent with each call;
// X-Requested-With keeps the browser's own login box away (the API then sends no Basic challenge).
let operator = null;
// What the last listing covered: "all" acts on that and nothing written since.
let listedUpTo = null;

function consoleCall(path, body) {
  const headers = { Authorization: 'Basic ' + btoa(operator.user + ':' + operator.password), 'X-Requested-With': 'XMLHttpRequest' };
  if (body === undefined) return api(path, { headers: headers });
  headers['Content-Type'] = 'application/json';
  return api(path, { method: 'POST', headers: headers, body: JSON.stringify(body) });
}

function actions(row, target) {
  const td = cell(row, '');
  for (const action of ['requeue', 'discard']) {
    const button = document.createElement('button');
    button.className = 'small' + (action === 'discard' ? ' danger' : '');
    button.textContent = action === 'requeue' ? 'Requeue' : 'Discard';
    button.dataset.action = action;
    button.addEventListener('click', () => decide(action, target));
    td.appendChild(button);
  }
}

const preview = (text) => (text == null ? '' : text.length > 300 ? text.substring(0, 300) + '…' : text);

async function loadDeadLetters() {
  const message = $('console-message');
  try {
    const d = await consoleCall('/api/dead-letters');
    $('console-login').hidden = true;
    $('console').hidden = false;
    const outbox = document.querySelector('#dl-outbox tbody');
    outbox.replaceChildren();
    for (const r of d.outbox) {
      const row = document.createElement('tr');
      row.dataset.outboxId = r.outboxId;
      cell(row, String(r.outboxId));
      cell(row, r.aggregateId);
      cell(row, r.eventType);
      cell(row, String(r.attempts));
      cell(row, new Date(r.failedAt).toLocaleString());
      cell(row, r.reason);
      cell(row, preview(r.payload), 'payload');
      actions(row, { outboxId: r.outboxId });
      outbox.appendChild(row);
    }
    const held = document.querySelector('#dl-held tbody');
    held.replaceChildren();
    for (const h of d.heldOrders) {
      const row = document.createElement('tr');
      cell(row, h.aggregateId);
      cell(row, String(h.outboxId));
      cell(row, new Date(h.heldAt).toLocaleString());
      cell(row, h.reason);
      held.appendChild(row);
    }
    const topics = document.querySelector('#dl-topics tbody');
    topics.replaceChildren();
    for (const r of d.topicRecords) {
      const row = document.createElement('tr');
      row.dataset.record = r.topic + '/' + r.partition + '/' + r.offset;
      cell(row, r.topic + ' / ' + r.partition + ' / ' + r.offset);
      cell(row, r.source || '');
      cell(row, r.origin || '');
      cell(row, r.reason || '');
      cell(row, preview(r.payload), 'payload');
      actions(row, { topic: r.topic, partition: r.partition, offset: r.offset });
      topics.appendChild(row);
    }
    listedUpTo = d.listedUpTo;
    const total = d.outbox.length + d.topicRecords.length + d.topicRecordsNotListed;
    let text = total === 0 ? 'Nothing is dead-lettered.' : total + ' dead letter(s) wait for a decision.';
    if (d.topicRecordsNotListed > 0) text += ' ' + d.topicRecordsNotListed + ' older topic record(s) are not listed; "all" covers them.';
    if (d.topicRecordsProblem) text += ' ' + d.topicRecordsProblem;
    if (!message.classList.contains('ok')) say(message, text, d.topicRecordsProblem ? 'error' : undefined);
  } catch (e) {
    say(message, e.message, 'error');
    if (/credentials/i.test(e.message)) { operator = null; $('console-login').hidden = false; $('console').hidden = true; }
  }
}

async function decide(action, target) {
  const message = $('console-message');
  try {
    const done = await consoleCall('/api/dead-letters/' + action, target);
    say(message, (action === 'requeue' ? 'Requeued' : 'Discarded') + ': ' + done.outboxRows + ' outbox row(s), '
      + done.topicRecords + ' topic record(s).', 'ok');
  } catch (e) {
    say(message, e.message, 'error');
  }
  await loadDeadLetters();
}

document.addEventListener('DOMContentLoaded', () => {
  $('order-form').addEventListener('submit', placeOrder);
  $('userId').addEventListener('change', () => { $('history-user').textContent = $('userId').value.trim(); loadHistory(); });
  setUpCharts();
  loadHistory();
  refreshAnalytics();
  refreshPipeline();
  setInterval(refreshAnalytics, 5000);
  setInterval(refreshPipeline, 5000);
  $('console-login').addEventListener('submit', (event) => {
    event.preventDefault();
    operator = { user: $('console-user').value, password: $('console-password').value };
    say($('console-message'), '');
    loadDeadLetters();
  });
  $('console-refresh').addEventListener('click', () => { say($('console-message'), ''); loadDeadLetters(); });
  $('requeue-all').addEventListener('click', () => decide('requeue', { all: true, upTo: listedUpTo }));
  $('discard-all').addEventListener('click', () => { if (window.confirm('Discard every dead letter this list covers, older topic records not shown included?')) decide('discard', { all: true, upTo: listedUpTo }); });
});
