// The emulator's console: renders the state the emulator pushes (GET api/events, Server-Sent
// Events; the shape is in emulator/console/console_state.h) and acts through the emulator's own
// APIs, as the CLI does. Every text from the emulator is set with textContent, never as HTML.
'use strict';

const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
const MAX_SAMPLES = 900;
let state = null;
let timeline = [];
let firstRunId = null;
let chosenAlias = '';

// --- small DOM helpers -----------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'style') node.style.cssText = value;  // CSSOM: allowed by the page's CSP
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
function svg(tag, attrs, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}
const $ = (id) => document.getElementById(id);
const badge = (text, kind) => el('span', { class: 'badge s-' + (kind || text) }, text);
const percent = (share) => (Math.round(share * 1000) / 10) + '%';

// Virtual milliseconds as m:ss (h:mm:ss past an hour).
function clockText(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600), m = Math.floor(total / 60) % 60, s = total % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
function durationText(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor(s / 60) % 60 + ' min';
}

// A colour per version, stable within a function: the order of its versions.
function versionColor(version) {
  const n = parseInt(version, 10);
  const index = Number.isNaN(n) ? 0 : (n - 1) % 5;
  return `var(--v${index})`;
}

// --- actions (through BrowserGuard: the page's origin plus the per-run token) ------------------
async function call(path, headers, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: Object.assign({ 'X-Emulator-Token': token }, headers),
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { message: text }; }
  if (!response.ok) throw new Error(data.Message || data.message || data.__type || response.statusText);
  return data;
}
const codedeploy = (operation, body) => call('/', {
  'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'CodeDeploy_20141006.' + operation,
}, body);
const cloudwatch = (operation, body) => call('/', {
  'Content-Type': 'application/x-amz-json-1.0',
  'X-Amz-Target': 'GraniteServiceVersion20100801.' + operation,
}, body);

function parseOverrides(text) {
  const overrides = {};
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part}" is not Name=Value`);
    overrides[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return overrides;
}

async function deploy(event) {
  event.preventDefault();
  const result = $('deploy-result');
  let overrides;
  try { overrides = parseOverrides($('overrides').value); } catch (e) {
    result.textContent = 'Parameter overrides: ' + e.message;
    result.className = 'error';
    return;
  }
  $('deploy').disabled = true;
  result.className = 'muted';
  result.textContent = 'Deploying…';
  try {
    const data = await call('/emulator/deploy', { 'Content-Type': 'application/json' },
      { parameterOverrides: overrides });
    result.textContent = data.message || 'Deployed';
  } catch (e) {
    result.textContent = 'Deploy refused: ' + e.message;
    result.className = 'error';
  } finally {
    $('deploy').disabled = !token;
  }
}

async function stopDeployment(id, rollback) {
  const result = $('deploy-result');
  try {
    await codedeploy('StopDeployment', { deploymentId: id, autoRollbackEnabled: rollback });
    result.className = 'muted';
    result.textContent = `Stopping ${id}` + (rollback ? ' and rolling back' : '');
  } catch (e) {
    result.className = 'error';
    result.textContent = `Stop ${id} refused: ` + e.message;
  }
}

async function setAlarm(name, value) {
  try {
    await cloudwatch('SetAlarmState', {
      AlarmName: name, StateValue: value, StateReason: 'Set from the emulator console',
    });
  } catch (e) {
    const result = $('deploy-result');
    result.className = 'error';
    result.textContent = `SetAlarmState ${name} refused: ` + e.message;
  }
}

async function showLog(requestId) {
  const dialog = $('log-dialog');
  $('log-meta').textContent = requestId;
  $('log-text').textContent = 'Loading…';
  if (!dialog.open) dialog.showModal();
  try {
    const response = await fetch('api/invocations/' + encodeURIComponent(requestId));
    const data = await response.json();
    if (!response.ok) throw new Error(data.Message || response.statusText);
    const request = data.method ? `${data.method} ${data.path} → ${data.status} · ` : '';
    $('log-meta').textContent = `${request}${data.functionName}:${data.version} · ${data.outcome}` +
      ` · ${data.durationMs.toFixed(2)} ms · ${data.requestId}`;
    $('log-text').textContent = data.log || '(no log lines)';
  } catch (e) {
    $('log-text').textContent = e.message;
  }
}

// --- rendering ---------------------------------------------------------------------------------
function weightsBar(weights, label) {
  const versions = Object.keys(weights).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return el('div', { class: 'weights', role: 'img', 'aria-label': label + ': ' +
      versions.map((v) => `version ${v} ${percent(weights[v])}`).join(', ') },
    versions.filter((v) => weights[v] > 0).map((v) => el('span', {
      style: `width:${weights[v] * 100}%;background:${versionColor(v)}`,
      title: `version ${v}: ${percent(weights[v])}`,
    }, `v${v} ${percent(weights[v])}`)));
}

function renderFunctions() {
  const box = $('functions');
  box.replaceChildren(...state.functions.map((fn) => el('div', { class: 'fn', 'data-function': fn.logicalId },
    el('div', {}, el('span', { class: 'fn-name' }, fn.logicalId), ' ',
      el('span', { class: 'muted' }, fn.name, fn.runtime ? ' · ' + fn.runtime : '')),
    el('div', { class: 'muted' }, 'Versions: ',
      fn.versions.length ? fn.versions.map((v) => v.version).join(', ') : 'none (only $LATEST)',
      ` · ${fn.invocations} invocations`, fn.errors ? el('span', { class: 'error' }, ` · ${fn.errors} errors`) : ''),
    fn.aliases.map((alias) => el('div', { 'data-alias': alias.name },
      el('span', {}, `Alias ${alias.name}`), weightsBar(alias.weights, `Alias ${alias.name} weights`))))));
  if (!state.functions.length) box.append(el('p', { class: 'muted' }, 'The template has no functions.'));
}

function eventChip(event) {
  const hook = event.hookFunction ? ` (${event.hookFunction})` : '';
  return el('span', { class: 'badge s-' + event.status, title: event.diagnostics || event.status,
    'data-event': event.name }, `${event.name}${hook}: ${event.status}`);
}

function alarmState(name) {
  const alarm = state.alarms.find((a) => a.name === name);
  return alarm ? alarm.state : 'unknown';
}

function renderDeployments() {
  const box = $('deployments');
  // The running ones first, then the newest.
  const running = (d) => d.status === 'InProgress' || d.status === 'Created';
  const list = state.deployments.slice().reverse().sort((a, b) => running(b) - running(a));
  box.replaceChildren(...list.map((d) => {
    const active = running(d);
    const failed = d.status === 'Failed' || d.status === 'Stopped';
    let next = '';
    if (active && d.nextShiftAt !== null && d.nextWeight !== null) {
      const wait = Math.max(0, d.nextShiftAt - state.now);
      next = `next: ${percent(d.nextWeight)} in ${durationText(wait)}` +
        (state.timeScale !== 1 ? ` (≈ ${durationText(wait / state.timeScale)} real)` : '');
    }
    return el('div', { class: 'deployment' + (failed ? ' failed' : ''), 'data-deployment': d.deploymentId,
        'data-status': d.status },
      el('div', { class: 'row' }, el('strong', {}, d.deploymentId), badge(d.status),
        el('span', {}, `${d.functionName}:${d.alias}`),
        el('span', { class: 'muted' }, `v${d.fromVersion} → v${d.toVersion} · ${d.deploymentConfigName}`),
        d.creator === 'codeDeployRollback' ? badge('rollback', 'warn') : ''),
      el('div', { class: 'progress', role: 'progressbar', 'aria-label': `${d.deploymentId} traffic on v${d.toVersion}`,
          'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(d.newVersionWeight * 100) },
        el('span', { style: `width:${d.newVersionWeight * 100}%` })),
      el('div', { class: 'muted' }, `v${d.toVersion} gets ${percent(d.newVersionWeight)}`, next ? ' · ' + next : ''),
      el('div', { class: 'events' }, d.events.map(eventChip)),
      d.alarms && d.alarms.length ? el('div', { class: 'events' }, 'Alarms: ',
        d.alarms.map((name) => badge(`${name}: ${alarmState(name)}`, alarmState(name)))) : '',
      d.errorMessage ? el('div', { class: 'error' }, `${d.errorCode}: ${d.errorMessage}`) : '',
      d.rollbackDeploymentId ? el('div', { class: 'muted' }, `Rolled back by ${d.rollbackDeploymentId}`) : '',
      active ? el('div', { class: 'row' },
        el('button', { type: 'button', disabled: !token, 'aria-label': `Stop ${d.deploymentId}`,
          onclick: () => stopDeployment(d.deploymentId, false) }, 'Stop'),
        el('button', { type: 'button', class: 'danger', disabled: !token,
          'aria-label': `Stop ${d.deploymentId} and roll back`,
          onclick: () => stopDeployment(d.deploymentId, true) }, 'Stop and roll back')) : '');
  }));
  if (!list.length)
    box.append(el('p', { class: 'muted' }, 'No deployment yet. Change a parameter or the code and deploy.'));
}

function renderAlarms() {
  const box = $('alarms');
  box.replaceChildren(...state.alarms.map((a) => el('div', { class: 'row', 'data-alarm': a.name },
    el('strong', {}, a.name), badge(a.state), el('span', { class: 'muted' }, a.metric),
    el('button', { type: 'button', class: 'danger', disabled: !token || a.state === 'ALARM',
      'aria-label': `Set alarm ${a.name} to ALARM`, onclick: () => setAlarm(a.name, 'ALARM') }, 'Force ALARM'),
    el('button', { type: 'button', disabled: !token || a.state === 'OK',
      'aria-label': `Set alarm ${a.name} to OK`, onclick: () => setAlarm(a.name, 'OK') }, 'Set OK'),
    el('div', { class: 'muted', style: 'flex-basis:100%' }, a.reason))));
  if (!state.alarms.length)
    box.append(el('p', { class: 'muted' }, 'No alarms. DeploymentPreference.Alarms and AWS::CloudWatch::Alarm resources appear here.'));
}

function renderInvocations() {
  const body = $('invocations').tBodies[0];
  let errors = 0;
  body.replaceChildren(...state.invocations.map((inv) => {
    const failed = inv.outcome !== 'Success' || (inv.status || 0) >= 500;
    if (failed) errors++;
    return el('tr', { class: failed ? 'failed' : '', tabindex: 0, 'data-request-id': inv.requestId,
        onclick: () => showLog(inv.requestId),
        onkeydown: (e) => { if (e.key === 'Enter') showLog(inv.requestId); } },
      el('td', {}, new Date(inv.at).toLocaleTimeString()),
      el('td', { class: 'path', title: inv.path || '' }, inv.method ? `${inv.method} ${inv.path}` : '(direct invoke)'),
      el('td', {}, inv.status ? badge(String(inv.status), inv.status >= 400 ? 'bad' : 'ok') : badge(inv.outcome)),
      el('td', {}, `${inv.logicalId}:${inv.version}`),
      el('td', {}, inv.durationMs.toFixed(2) + ' ms'),
      el('td', { class: 'muted' }, inv.requestId));
  }));
  $('error-count').textContent = errors ? `${errors} failed` : '';
  $('error-count').className = errors ? 'badge s-bad' : 'badge';
}

// The chart: for the chosen alias, each version's configured weight over virtual time (lines)
// and the share of invocations it actually ran (dots, over the 5 samples around each point).
function renderChart() {
  const select = $('chart-alias');
  const keys = state.aliases.map((a) => `${a.functionName}:${a.alias}`);
  if (!keys.includes(chosenAlias)) {
    const running = state.deployments.slice().reverse().find((d) => d.status === 'InProgress');
    chosenAlias = running ? `${running.functionName}:${running.alias}` : (keys[0] || '');
  }
  const options = keys.map((key) => el('option', { value: key, selected: key === chosenAlias }, key));
  if (select.options.length !== keys.length || [...select.options].some((o, i) => o.value !== keys[i]))
    select.replaceChildren(...options);
  select.value = chosenAlias;

  const W = 800, H = 250, left = 40, right = 10, top = 24, bottom = 28;
  const points = timeline.filter((s) => s.aliases[chosenAlias]);
  const chart = $('chart');
  if (!chosenAlias || points.length === 0) {
    chart.replaceChildren(el('p', { class: 'muted' }, 'No alias yet: functions with AutoPublishAlias appear here.'));
    $('chart-now').textContent = '';
    return;
  }
  const t0 = points[0].t, t1 = Math.max(points[points.length - 1].t, t0 + 1000);
  const x = (t) => left + (t - t0) / (t1 - t0) * (W - left - right);
  const y = (share) => top + (1 - share) * (H - top - bottom);
  const versions = new Set();
  for (const s of points) {
    Object.keys(s.aliases[chosenAlias].weights).forEach((v) => versions.add(v));
    Object.keys(s.aliases[chosenAlias].observed).forEach((v) => versions.add(v));
  }
  const grid = [0, 0.25, 0.5, 0.75, 1].map((share) => svg('g', {},
    svg('line', { x1: left, x2: W - right, y1: y(share), y2: y(share), stroke: '#d9dee4' }),
    Object.assign(svg('text', { x: 4, y: y(share) + 4, 'font-size': 11, fill: '#5b6673' }),
      { textContent: Math.round(share * 100) + '%' })));
  const ticks = [0, 0.5, 1].map((f) => Object.assign(svg('text', {
    x: left + f * (W - left - right), y: H - 8, 'font-size': 11, fill: '#5b6673',
    'text-anchor': f === 0 ? 'start' : f === 1 ? 'end' : 'middle' }), { textContent: clockText(t0 + f * (t1 - t0)) }));
  const series = [];
  for (const v of [...versions].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))) {
    const color = versionColor(v);
    // Steps: a weight holds until the sample that saw it change.
    const d = points.map((s, i) => {
      const py = y(s.aliases[chosenAlias].weights[v] || 0).toFixed(1);
      return i ? `H${x(s.t).toFixed(1)}V${py}` : `M${x(s.t).toFixed(1)},${py}`;
    }).join('');
    series.push(svg('path', { d, fill: 'none', stroke: color, 'stroke-width': 2.5, 'data-version': v }));
    points.forEach((s, i) => {
      // The sample's own share when it saw enough invocations, else the 5 samples around it.
      const own = points[i].aliases[chosenAlias].observed;
      const spread = Object.values(own).reduce((sum, n) => sum + n, 0) >= 10 ? 0 : 2;
      let mine = 0, all = 0;
      for (let j = Math.max(0, i - spread); j <= Math.min(points.length - 1, i + spread); j++) {
        const observed = points[j].aliases[chosenAlias].observed;
        mine += observed[v] || 0;
        for (const count of Object.values(observed)) all += count;
      }
      if (all > 0) series.push(svg('circle', { cx: x(s.t).toFixed(1), cy: y(mine / all).toFixed(1), r: 2, fill: color, opacity: 0.6 }));
    });
  }
  const legend = [...versions].map((v, i) => svg('g', {},
    svg('rect', { x: W - right - 70 * (versions.size - i), y: 2, width: 10, height: 10, fill: versionColor(v) }),
    Object.assign(svg('text', { x: W - right - 70 * (versions.size - i) + 14, y: 11, 'font-size': 11 }),
      { textContent: 'v' + v })));
  chart.replaceChildren(svg('svg', { viewBox: `0 0 ${W} ${H}` }, grid, ticks, series, legend));
  const last = points[points.length - 1].aliases[chosenAlias];
  const split = state.aliases.find((a) => `${a.functionName}:${a.alias}` === chosenAlias);
  const observed = split ? Object.entries(split.observed) : [];
  const total = observed.reduce((sum, [, n]) => sum + n, 0);
  $('chart-now').textContent = 'Configured: ' + Object.entries(last.weights).map(([v, w]) => `v${v} ${percent(w)}`).join(', ') +
    (total ? ' · observed over the last 10 s: ' + observed.map(([v, n]) => `v${v} ${percent(n / total)}`).join(', ') : '');
}

function render() {
  if (!state) return;
  $('stack').textContent = `${state.stack.name} · ${state.stack.region}`;
  $('clock').textContent = `virtual ${clockText(state.now)}` + (state.timeScale !== 1 ? ` (×${state.timeScale})` : '');
  renderFunctions();
  renderChart();
  renderDeployments();
  renderAlarms();
  renderInvocations();
}

function banner(text) {
  $('banner').textContent = text;
  $('banner').hidden = !text;
}

// --- the live feed ------------------------------------------------------------------------------
function connect() {
  const source = new EventSource('api/events');
  const connection = $('connection');
  source.addEventListener('open', () => { connection.textContent = 'live'; connection.className = 'badge s-live'; });
  source.addEventListener('error', () => {
    connection.textContent = 'reconnecting…';
    connection.className = 'badge s-warn';
  });
  source.addEventListener('snapshot', (e) => {
    state = JSON.parse(e.data);
    timeline = state.timeline || [];
    if (firstRunId === null) firstRunId = state.runId;
    else if (state.runId !== firstRunId && token)
      banner('The emulator restarted: this page shows it again, but its actions need the new token. ' +
             'Open the "Console:" URL it printed at start.');
    render();
  });
  source.addEventListener('update', (e) => {
    state = JSON.parse(e.data);
    timeline.push(...state.samples);
    if (timeline.length > MAX_SAMPLES) timeline.splice(0, timeline.length - MAX_SAMPLES);
    render();
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('deploy-form').addEventListener('submit', deploy);
  $('chart-alias').addEventListener('change', (e) => { chosenAlias = e.target.value; renderChart(); });
  if (!token) {
    $('deploy').disabled = true;
    banner('Read-only: open the "Console:" URL the emulator printed at start (it carries a per-run token) ' +
           'to deploy, stop deployments or set alarms from this page.');
  }
  connect();
});
