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

document.addEventListener('DOMContentLoaded', () => {
  $('order-form').addEventListener('submit', placeOrder);
  $('userId').addEventListener('change', () => { $('history-user').textContent = $('userId').value.trim(); loadHistory(); });
  setUpCharts();
  loadHistory();
  refreshAnalytics();
  setInterval(refreshAnalytics, 5000);
});
