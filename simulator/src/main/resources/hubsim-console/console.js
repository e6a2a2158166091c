// The hubsim console: plain JavaScript against the control API, the registry API and one WebSocket for live news.
'use strict';
(function () {
  const API_VERSION = '2021-04-12';
  const TOKEN_SECONDS = 3600;
  const MAX_TELEMETRY = 200;
  const $ = id => document.getElementById(id);
  const state = {
    token: null, key: null, hostName: null, ws: null, loggedIn: false, renewTimer: null, reconnectDelay: 1000,
    devices: [], connections: [], watched: null, trace: [], sent: new Map(), sessionsShown: new Set(),
  };

  // ---- login -------------------------------------------------------------------------------------------------------

  function parseConnectionString(s) {
    const parts = {};
    for (const piece of s.split(';')) {
      const at = piece.indexOf('=');
      if (at > 0) parts[piece.substring(0, at).trim().toLowerCase()] = piece.substring(at + 1).trim();
    }
    if (!parts.hostname || !parts.sharedaccesskeyname || !parts.sharedaccesskey) {
      throw new Error('expected HostName=...;SharedAccessKeyName=...;SharedAccessKey=... or a SharedAccessSignature token');
    }
    return { hostName: parts.hostname, keyName: parts.sharedaccesskeyname, key: parts.sharedaccesskey };
  }

  /** An IoT Hub SAS token: HMAC-SHA256 over "sr\nse" with the base64-decoded key, as the SDKs and IoT Explorer make it. */
  async function sasToken(key) {
    const sr = encodeURIComponent(key.hostName);
    const se = Math.floor(Date.now() / 1000) + TOKEN_SECONDS;
    const raw = Uint8Array.from(atob(key.key), c => c.charCodeAt(0));
    const hmac = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sig = new Uint8Array(await crypto.subtle.sign('HMAC', hmac, new TextEncoder().encode(sr + '\n' + se)));
    const b64 = btoa(String.fromCharCode(...sig));
    return { token: 'SharedAccessSignature sr=' + sr + '&sig=' + encodeURIComponent(b64) + '&se=' + se + '&skn=' + encodeURIComponent(key.keyName), expires: se };
  }

  function tokenFields(token) {
    const out = {};
    token.replace(/^SharedAccessSignature\s+/i, '').split('&').forEach(p => {
      const at = p.indexOf('=');
      if (at > 0) out[p.substring(0, at)] = decodeURIComponent(p.substring(at + 1));
    });
    return out;
  }

  async function login(secret) {
    secret = secret.trim();
    let token;
    let key = null;
    let expires;
    if (/^SharedAccessSignature\s/i.test(secret)) {
      token = secret;
      expires = Number(tokenFields(secret).se);
    } else {
      key = parseConnectionString(secret);
      ({ token, expires } = await sasToken(key));
    }
    state.token = token;
    // The first call proves the token: the control API refuses anything but iothubowner.
    await api('GET', '/hubsim/connections');
    state.key = key;
    state.hostName = key ? key.hostName : tokenFields(token).sr;
    state.loggedIn = true;
    scheduleRenewal(expires);
  }

  function scheduleRenewal(expires) {
    clearTimeout(state.renewTimer);
    if (!state.key || !expires) return;
    const inMs = Math.max(10_000, (expires - 300) * 1000 - Date.now());
    state.renewTimer = setTimeout(async () => {
      const fresh = await sasToken(state.key);
      state.token = fresh.token;
      scheduleRenewal(fresh.expires);
    }, inMs);
  }

  function logout(why) {
    state.loggedIn = false;
    state.token = null;
    state.key = null;
    clearTimeout(state.renewTimer);
    if (state.ws) state.ws.close(1000, 'logged out');
    $('app').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = why || '';
    setStreamState('not connected');
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(method, path, body, headers) {
    const init = { method, headers: Object.assign({ Authorization: state.token }, headers || {}), cache: 'no-store' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const r = await fetch(path, init);
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (!r.ok) {
      const message = json && json.Message ? json.Message : text || r.statusText;
      throw new ApiError(r.status, r.status + ' ' + message);
    }
    return json !== null ? json : text;
  }

  function registry(method, deviceId, body, headers) {
    return api(method, '/devices' + (deviceId ? '/' + encodeURIComponent(deviceId) : '') + '?api-version=' + API_VERSION, body, headers);
  }

  function say(text, isError) {
    const m = $('message');
    m.textContent = text;
    m.className = isError ? 'error' : '';
  }

  async function guarded(work) {
    try {
      await work();
    } catch (e) {
      if (e.status === 401) logout('Logged out: ' + e.message);
      else say(e.message, true);
    }
  }

  // ---- live stream ---------------------------------------------------------------------------------------------------

  function setStreamState(text) {
    $('stream-state').textContent = text;
    $('stream-state').dataset.state = text;
  }

  function openStream() {
    const ws = new WebSocket('wss://' + location.host + '/hubsim/ui/stream');
    state.ws = ws;
    setStreamState('connecting');
    ws.onopen = () => ws.send(JSON.stringify({ authorization: state.token }));
    ws.onmessage = event => onStreamEvent(JSON.parse(event.data));
    ws.onclose = event => {
      if (state.ws !== ws || !state.loggedIn) return;
      if (event.code === 4401) {
        logout('Logged out: the live stream refused the token');
        return;
      }
      setStreamState('reconnecting');
      setTimeout(async () => {
        if (!state.loggedIn) return;
        if (event.code === 4403 && state.key) state.token = (await sasToken(state.key)).token;
        openStream();
      }, event.code === 4403 ? 0 : state.reconnectDelay);
      state.reconnectDelay = Math.min(state.reconnectDelay * 2, 15000);
    };
  }

  function onStreamEvent(e) {
    switch (e.type) {
      case 'ready':
        state.reconnectDelay = 1000;
        setStreamState('live');
        if (state.watched) state.ws.send(JSON.stringify({ watch: state.watched }));
        // Whatever changed while the stream was down.
        guarded(refreshDevices);
        guarded(refreshConnections);
        break;
      case 'telemetry': addTelemetry(e); break;
      case 'feedback': applyFeedback(e.records); break;
      // A connection's claims decide whether its devices count as connected.
      case 'connections': guarded(refreshConnections); guarded(refreshDevices); break;
      case 'devices': guarded(refreshDevices); break;
      case 'trace': addTraceRecord(e.record); break;
      case 'watching': if (state.watchAck) state.watchAck(); break;
      case 'twin': if (state.twin && e.twin === state.twin.deviceId + (state.twin.moduleId ? '/' + state.twin.moduleId : '')) guarded(reloadTwin); break;
      case 'refused': say('Live stream refused: ' + e.reason, true); break;
      default: break;
    }
  }

  // ---- devices -------------------------------------------------------------------------------------------------------

  async function refreshDevices() {
    const devices = await registry('GET');
    devices.sort((a, b) => a.deviceId.localeCompare(b.deviceId));
    state.devices = devices;
    const body = $('devices').tBodies[0];
    body.replaceChildren(...devices.map(deviceRow));
    fillDeviceSelect($('c2d-device'), false);
    if ($('twin-device')) fillDeviceSelect($('twin-device'), false);
    fillDeviceSelect($('method-device'), false);
    fillDeviceSelect($('telemetry-device'), true);
  }

  /** Rebuilt only when devices came or went, so a picker in use is left alone. */
  function fillDeviceSelect(select, withAll) {
    const ids = state.devices.map(d => d.deviceId).join('\n');
    if (select.dataset.ids === ids) return;
    select.dataset.ids = ids;
    const chosen = select.value;
    select.replaceChildren(...devicesOptions(withAll));
    if ([...select.options].some(o => o.value === chosen)) select.value = chosen;
  }

  function devicesOptions(withAll) {
    const out = [];
    if (withAll) out.push(new Option('all devices', ''));
    state.devices.forEach(d => out.push(new Option(d.deviceId, d.deviceId)));
    return out;
  }

  function button(text, action, label) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    if (label) b.setAttribute('aria-label', label);
    b.addEventListener('click', () => guarded(action));
    return b;
  }

  function cell(text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function deviceRow(d) {
    const tr = document.createElement('tr');
    tr.dataset.device = d.deviceId;
    const connected = d.connectionState === 'Connected';
    const actions = document.createElement('td');
    const enabled = d.status === 'enabled';
    actions.append(
      button('Copy connection string', async () => copyConnectionString(d.deviceId), 'Copy the connection string of ' + d.deviceId),
      button('Modules', async () => showModules(d.deviceId), 'Modules of ' + d.deviceId),
      button(enabled ? 'Disable' : 'Enable', async () => {
        const current = await registry('GET', d.deviceId);
        await registry('PUT', d.deviceId, { deviceId: d.deviceId, status: enabled ? 'disabled' : 'enabled', authentication: current.authentication }, { 'If-Match': '"' + current.etag + '"' });
        say(d.deviceId + (enabled ? ' disabled' : ' enabled'));
        await refreshDevices();
      }, (enabled ? 'Disable ' : 'Enable ') + d.deviceId),
      button('Delete', async () => {
        if (!confirm('Delete ' + d.deviceId + '?')) return;
        await registry('DELETE', d.deviceId, undefined, { 'If-Match': '*' });
        say(d.deviceId + ' deleted');
        await refreshDevices();
      }, 'Delete ' + d.deviceId));
    tr.append(cell(d.deviceId), cell(d.status, 'status'), cell(connected ? 'connected' : 'disconnected', 'connection ' + (connected ? 'on' : 'off')),
      cell(String(d.cloudToDeviceMessageCount)), actions);
    return tr;
  }

  async function copyConnectionString(deviceId) {
    const d = await registry('GET', deviceId);
    const cs = 'HostName=' + state.hostName + ';DeviceId=' + d.deviceId + ';SharedAccessKey=' + d.authentication.symmetricKey.primaryKey;
    const out = $('copied');
    out.value = cs;
    out.focus();
    out.select();
    try {
      await navigator.clipboard.writeText(cs);
      say('Connection string of ' + deviceId + ' copied');
    } catch (e) {
      say('Connection string of ' + deviceId + ' selected below (the clipboard is not available)');
    }
  }

  async function showModules(deviceId) {
    const modules = await api('GET', '/devices/' + encodeURIComponent(deviceId) + '/modules?api-version=' + API_VERSION);
    const out = $('modules');
    const table = document.createElement('table');
    table.dataset.device = deviceId;
    table.createCaption().textContent = 'Modules of ' + deviceId + (modules.length ? '' : ': none');
    if (modules.length) table.createTHead().innerHTML = '<tr><th>Module</th><th>Connection</th><th>Actions</th></tr>';
    const body = table.createTBody();
    for (const m of modules) {
      const tr = body.insertRow();
      tr.dataset.module = m.moduleId;
      const actions = document.createElement('td');
      actions.append(button('Copy connection string', async () => {
        const cs = 'HostName=' + state.hostName + ';DeviceId=' + deviceId + ';ModuleId=' + m.moduleId + ';SharedAccessKey=' + m.authentication.symmetricKey.primaryKey;
        $('copied').value = cs;
        $('copied').select();
        say('Connection string of ' + deviceId + '/' + m.moduleId + ' selected below');
      }, 'Copy the connection string of ' + deviceId + '/' + m.moduleId));
      tr.append(cell(m.moduleId), cell(m.connectionState === 'Connected' ? 'connected' : 'disconnected'), actions);
    }
    out.replaceChildren(table);
  }

  // ---- twin and methods ----------------------------------------------------------------------------------------------

  function twinPath(deviceId, moduleId) {
    return '/twins/' + encodeURIComponent(deviceId) + (moduleId ? '/modules/' + encodeURIComponent(moduleId) : '');
  }

  function parseJson(text, what) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(what + ' is not JSON: ' + e.message);
    }
  }

  async function loadTwin() {
    const deviceId = $('twin-device').value;
    if (!deviceId) throw new Error('choose a device');
    const twin = await api('GET', twinPath(deviceId, $('twin-module').value.trim()) + '?api-version=' + API_VERSION);
    showTwin(twin);
  }

  /** The shown twin changed on the hub (a device reported, a service patched): show its new state. */
  async function reloadTwin() {
    const t = state.twin;
    showTwin(await api('GET', twinPath(t.deviceId, t.moduleId) + '?api-version=' + API_VERSION));
  }

  function showTwin(twin) {
    state.twin = twin;
    $('twin-json').textContent = JSON.stringify(twin, null, 2);
    const p = twin.properties || {};
    $('twin-version').textContent = (twin.moduleId ? twin.deviceId + '/' + twin.moduleId : twin.deviceId) + ': version ' + twin.version
      + ', etag ' + twin.etag + ', desired $version ' + ((p.desired || {}).$version) + ', reported $version ' + ((p.reported || {}).$version);
  }

  async function updateDesired() {
    const chosen = state.twin && state.twin.deviceId === $('twin-device').value && (state.twin.moduleId || '') === $('twin-module').value.trim();
    if (!chosen) await loadTwin();
    const patch = parseJson($('twin-desired').value, 'the desired patch');
    const twin = state.twin;
    try {
      const updated = await api('PATCH', twinPath(twin.deviceId, twin.moduleId) + '?api-version=' + API_VERSION,
        { properties: { desired: patch } }, { 'If-Match': '"' + twin.etag + '"' });
      showTwin(updated);
      say('Desired properties updated: $version ' + updated.properties.desired.$version);
    } catch (e) {
      if (e.status === 412) throw new Error('the twin changed since it was loaded: load it again (' + e.message + ')');
      throw e;
    }
  }

  async function invokeMethod() {
    const deviceId = $('method-device').value;
    if (!deviceId) throw new Error('choose a device');
    const moduleId = $('method-module').value.trim();
    const name = $('method-name').value.trim();
    const request = { methodName: name, payload: parseJson($('method-payload').value || 'null', 'the payload'),
      responseTimeoutInSeconds: Number($('method-response-timeout').value), connectTimeoutInSeconds: Number($('method-connect-timeout').value) };
    const li = document.createElement('li');
    li.className = 'method';
    li.dataset.method = name;
    li.textContent = new Date().toISOString().substring(11, 19) + ' ' + name + ' on ' + deviceId + (moduleId ? '/' + moduleId : '') + ': waiting';
    $('method-results').prepend(li);
    try {
      const result = await api('POST', twinPath(deviceId, moduleId) + '/methods?api-version=' + API_VERSION, request);
      li.dataset.status = result.status;
      li.textContent = li.textContent.replace(/waiting$/, 'status ' + result.status);
      li.append(Object.assign(document.createElement('pre'), { className: 'body', textContent: JSON.stringify(result.payload, null, 2) }));
    } catch (e) {
      li.dataset.status = 'error';
      li.classList.add('error');
      li.textContent = li.textContent.replace(/waiting$/, e.message);
      if (e.status === 401) throw e;
    }
  }

  // ---- telemetry -----------------------------------------------------------------------------------------------------

  function pairs(cls, object) {
    const dl = document.createElement('dl');
    dl.className = cls;
    for (const [k, v] of Object.entries(object || {})) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      dl.append(dt, dd);
    }
    return dl;
  }

  function addTelemetry(e) {
    const filter = $('telemetry-device').value;
    if (filter && filter !== e.deviceId) return;
    const li = document.createElement('li');
    li.className = 'telemetry';
    li.dataset.device = e.deviceId;
    if (e.messageId) li.dataset.messageId = e.messageId;
    const head = document.createElement('div');
    head.className = 'head';
    const when = (e.annotations && e.annotations['iothub-enqueuedtime']) || new Date().toISOString();
    head.append(Object.assign(document.createElement('time'), { textContent: when }), ' ',
      Object.assign(document.createElement('strong'), { textContent: e.deviceId }), ' ',
      Object.assign(document.createElement('span'), { textContent: e.messageId ? 'message ' + e.messageId : '' }));
    const body = Object.assign(document.createElement('pre'), { className: 'body', textContent: e.body });
    li.append(head, body, pairs('properties', e.applicationProperties), pairs('annotations', e.annotations));
    const list = $('telemetry');
    list.prepend(li);
    while (list.children.length > MAX_TELEMETRY) list.lastElementChild.remove();
  }

  async function loadStoredTelemetry() {
    const deviceId = $('telemetry-device').value;
    $('telemetry').replaceChildren();
    if (!deviceId) return;
    const events = await api('GET', '/hubsim/telemetry/' + encodeURIComponent(deviceId));
    events.slice(-MAX_TELEMETRY).forEach(addTelemetry);
  }

  // ---- cloud-to-device -----------------------------------------------------------------------------------------------

  function properties(text) {
    const out = {};
    text.split('\n').map(l => l.trim()).filter(Boolean).forEach(l => {
      const at = l.indexOf('=');
      if (at <= 0) throw new Error('a property line is name=value, not "' + l + '"');
      out[l.substring(0, at).trim()] = l.substring(at + 1).trim();
    });
    return out;
  }

  async function sendC2d() {
    const deviceId = $('c2d-device').value;
    if (!deviceId) throw new Error('choose a device');
    const messageId = $('c2d-message-id').value.trim() || crypto.randomUUID();
    const ack = $('c2d-ack').value;
    const result = await api('POST', '/hubsim/c2d/' + encodeURIComponent(deviceId),
      { body: $('c2d-body').value, messageId, ack, properties: properties($('c2d-properties').value) });
    const tr = document.createElement('tr');
    tr.dataset.messageId = messageId;
    tr.append(cell(messageId), cell(deviceId), cell(ack), cell(String(result.sequenceNumber)),
      cell(ack === 'none' ? 'none asked' : 'waiting', 'feedback'));
    $('c2d-sent').tBodies[0].prepend(tr);
    state.sent.set(messageId, tr);
    $('c2d-message-id').value = '';
    say('Queued ' + messageId + ' for ' + deviceId + ' as sequence number ' + result.sequenceNumber);
  }

  function applyFeedback(records) {
    for (const r of records || []) {
      const tr = state.sent.get(r.originalMessageId);
      if (!tr) continue;
      const td = tr.querySelector('.feedback');
      td.textContent = r.statusCode + (r.description && r.description !== r.statusCode ? ' (' + r.description + ')' : '');
      td.dataset.status = r.statusCode;
    }
  }

  // ---- connections ---------------------------------------------------------------------------------------------------

  async function refreshConnections() {
    const list = await api('GET', '/hubsim/connections');
    state.connections = list;
    const out = $('connections');
    if (!list.length) {
      out.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'No live connections.' }));
    } else {
      out.replaceChildren(...list.map(connectionCard));
    }
    await refreshTracePicker();
  }

  /** Live connections and the recent closed ones: a closed connection's frames tell why it closed. */
  async function refreshTracePicker() {
    const traces = await api('GET', '/hubsim/traces');
    const select = $('trace-connection');
    const chosen = select.value;
    const shown = traces.slice().reverse();
    const labels = shown.map(t => t.connectionId + ' (' + [...(t.identities || []), t.open ? 'live' : 'closed'].join(', ') + ')');
    // Rebuilt only when a trace came, went or changed: an open picker is left alone.
    if (select.dataset.labels !== labels.join('\n')) {
      select.dataset.labels = labels.join('\n');
      select.replaceChildren(new Option('choose a connection', ''), ...shown.map((t, i) => new Option(labels[i], t.connectionId)));
      select.value = shown.some(t => t.connectionId === chosen) ? chosen : '';
    }
  }

  function expiresIn(iso) {
    const s = Math.round((Date.parse(iso) - Date.now()) / 1000);
    return s <= 0 ? 'expired' : s < 120 ? 'in ' + s + ' s' : 'in ' + Math.round(s / 60) + ' min';
  }

  function connectionCard(c) {
    const card = document.createElement('article');
    card.className = 'connection';
    card.dataset.connection = c.id;
    const h = document.createElement('h3');
    h.textContent = c.id + ' from ' + c.remoteAddress + (c.identities.length ? ' - ' + c.identities.join(', ') : '');
    const claims = document.createElement('table');
    claims.className = 'claims';
    claims.createCaption().textContent = 'Claims (' + c.claims + ' held, ' + c.expiryTimers + ' expiry timers)';
    claims.createTHead().innerHTML = '<tr><th>Endpoint</th><th>Audience</th><th>Signed by</th><th>Expires</th></tr>';
    const cb = claims.createTBody();
    (c.heldClaims || []).forEach(k => {
      const tr = cb.insertRow();
      tr.append(cell(k.endpoint), cell(k.audience), cell(k.identity), cell(k.expiresAt + ' (' + expiresIn(k.expiresAt) + ')'));
    });
    const links = document.createElement('table');
    links.className = 'links';
    links.createCaption().textContent = 'Links (' + c.links.length + ')';
    links.createTHead().innerHTML = '<tr><th>Name</th><th>Role</th><th>Address</th><th>Credit</th></tr>';
    const lb = links.createTBody();
    c.links.forEach(l => {
      const tr = lb.insertRow();
      tr.dataset.address = l.address;
      tr.append(cell(l.name), cell(l.role), cell(l.address), cell(String(l.credit), 'credit'));
    });
    const open = button('Open trace', async () => { selectTab('trace'); $('trace-connection').value = c.id; await loadTrace(); }, 'Open the trace of ' + c.id);
    const sessions = document.createElement('p');
    sessions.className = 'sessions';
    const toggle = button(state.sessionsShown.has(c.id) ? 'Hide sessions' : 'Show sessions', async () => {
      if (state.sessionsShown.has(c.id)) state.sessionsShown.delete(c.id);
      else state.sessionsShown.add(c.id);
      await refreshConnections();
    }, 'Sessions of ' + c.id);
    if (state.sessionsShown.has(c.id)) guarded(() => showSessions(c.id, sessions));
    card.append(h, open, toggle, sessions, claims, links);
    return card;
  }

  /** The sessions come from the connection's frames: the client's begin and end, and the attaches on each channel. */
  async function showSessions(id, out) {
    const lines = await api('GET', '/hubsim/trace/' + encodeURIComponent(id));
    const records = String(lines).split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
    const open = window.HubsimSequence.sessions(records);
    out.textContent = 'Sessions (client channel: links): ' + ([...open].map(([ch, l]) => ch + ': ' + ([...l].join(', ') || 'no links')).join('; ') || 'none');
  }

  // ---- faults --------------------------------------------------------------------------------------------------------

  async function applyFault() {
    const kind = $('fault-kind').value;
    const body = {};
    const put = (name, id, number) => {
      const v = $(id).value.trim();
      if (v !== '') body[name] = number ? Number(v) : v;
    };
    put('deviceId', 'fault-device');
    put('connectionId', 'fault-connection');
    put('path', 'fault-path');
    if (['refuse-attaches', 'reject-transfers', 'drop-connection'].includes(kind)) {
      put('condition', 'fault-condition');
      put('description', 'fault-description');
    }
    if (['refuse-attaches', 'reject-transfers', 'drop-cbs-replies', 'redirect-attaches', 'throttle'].includes(kind)) put('count', 'fault-count', true);
    if (kind === 'throttle') body.operation = $('fault-operation').value;
    if (['set-credit', 'grant-credit'].includes(kind)) put('credit', 'fault-credit', true);
    if (['delay-cbs-replies', 'delay-dispositions'].includes(kind)) put('delayMs', 'fault-delay', true);
    if (kind === 'drop-connection') body.abrupt = $('fault-abrupt').checked;
    if (kind === 'redirect-attaches') {
      const url = new URL($('fault-address').value.trim());
      body.address = url.href;
      body.hostname = url.hostname;
      body.networkHost = url.hostname;
      body.port = Number(url.port || 5671);
    }
    const result = await api('POST', '/hubsim/faults/' + kind, body);
    logFault(kind + ' ' + JSON.stringify(body) + ': ' + result.affected + ' affected');
  }

  /** Only the fields the chosen fault kind takes are shown. */
  function showFaultFields() {
    const kind = $('fault-kind').value;
    document.querySelectorAll('#fault-form [data-kinds]').forEach(e => { e.hidden = !e.dataset.kinds.split(' ').includes(kind); });
  }

  function logFault(text) {
    const li = document.createElement('li');
    li.textContent = new Date().toISOString().substring(11, 19) + ' ' + text;
    $('fault-log').prepend(li);
    say(text);
  }

  // ---- trace ---------------------------------------------------------------------------------------------------------

  async function loadTrace() {
    const id = $('trace-connection').value;
    state.watched = id || null;
    state.trace = [];
    if (state.ws && state.ws.readyState === WebSocket.OPEN) {
      // Fetch once the stream sends this connection's new records, so none falls between the two.
      const acknowledged = new Promise(resolve => { state.watchAck = resolve; setTimeout(resolve, 2000); });
      state.ws.send(JSON.stringify({ watch: state.watched }));
      await acknowledged;
    }
    if (id) {
      const lines = await api('GET', '/hubsim/trace/' + encodeURIComponent(id));
      // Records streamed while the trace was fetched may be in both: one of each sequence number.
      const bySequence = new Map(state.trace.map(r => [r.sequence, r]));
      for (const line of String(lines).split('\n')) {
        if (line.trim()) {
          const r = JSON.parse(line);
          bySequence.set(r.sequence, r);
        }
      }
      state.trace = [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
    }
    drawTrace();
  }

  function drawTrace() {
    const paths = [...new Set(state.trace.filter(r => r.path).map(r => r.path))].sort();
    const select = $('trace-link');
    const chosen = select.value;
    select.replaceChildren(new Option('all links', ''), ...paths.map(p => new Option(p, p)));
    select.value = paths.includes(chosen) ? chosen : '';
    window.HubsimSequence.render($('trace'), state.trace, select.value);
    const sessions = window.HubsimSequence.sessions(state.trace);
    $('trace-sessions').textContent = state.watched
      ? 'Sessions open (client channel: links): ' + ([...sessions].map(([ch, links]) => ch + ': ' + ([...links].join(', ') || 'no links')).join('; ') || 'none')
      : '';
  }

  function addTraceRecord(r) {
    if (r.connectionId !== state.watched) return;
    const last = state.trace[state.trace.length - 1];
    if (last && r.sequence <= last.sequence) return;
    state.trace.push(r);
    const filter = $('trace-link').value;
    if (r.path && ![...$('trace-link').options].some(o => o.value === r.path)) {
      drawTrace();
      return;
    }
    if (!filter || r.path === filter) $('trace').append(window.HubsimSequence.row(r));
  }

  function exportTrace() {
    const filter = $('trace-link').value;
    const lines = state.trace.filter(r => !filter || r.path === filter).map(r => JSON.stringify(r)).join('\n') + '\n';
    const a = $('trace-download');
    a.href = URL.createObjectURL(new Blob([lines], { type: 'application/x-ndjson' }));
    a.download = (state.watched || 'trace') + '.jsonl';
    a.click();
  }

  // ---- tabs ----------------------------------------------------------------------------------------------------------

  const TABS = [...document.querySelectorAll('[role="tab"]')].map(t => t.id.substring('tab-'.length));

  function selectTab(name) {
    for (const t of TABS) {
      const on = t === name;
      $('tab-' + t).setAttribute('aria-selected', String(on));
      $('tab-' + t).tabIndex = on ? 0 : -1;
      $('panel-' + t).hidden = !on;
    }
  }

  function wire() {
    TABS.forEach((t, i) => {
      const tab = $('tab-' + t);
      tab.addEventListener('click', () => selectTab(t));
      tab.addEventListener('keydown', e => {
        const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        const next = TABS[(i + step + TABS.length) % TABS.length];
        selectTab(next);
        $('tab-' + next).focus();
        e.preventDefault();
      });
    });
    selectTab('devices');
    $('login-form').addEventListener('submit', async e => {
      e.preventDefault();
      $('login-error').textContent = '';
      try {
        await login($('login-secret').value);
      } catch (err) {
        state.token = null;
        $('login-error').textContent = 'Login refused: ' + err.message;
        return;
      }
      $('login-secret').value = '';
      $('login').hidden = true;
      $('app').hidden = false;
      $('logout').hidden = false;
      $('hub-name').textContent = state.hostName;
      openStream();
      $('tab-devices').focus();
    });
    $('logout').addEventListener('click', () => logout(''));
    $('create-device').addEventListener('submit', e => {
      e.preventDefault();
      guarded(async () => {
        const id = $('new-device-id').value.trim();
        await registry('PUT', id, { deviceId: id });
        $('new-device-id').value = '';
        say(id + ' created');
        await refreshDevices();
      });
    });
    $('telemetry-device').addEventListener('change', () => guarded(loadStoredTelemetry));
    $('telemetry-clear').addEventListener('click', () => $('telemetry').replaceChildren());
    $('c2d-form').addEventListener('submit', e => { e.preventDefault(); guarded(sendC2d); });
    $('c2d-purge').addEventListener('click', () => guarded(async () => {
      const r = await api('POST', '/hubsim/c2d/' + encodeURIComponent($('c2d-device').value) + '/purge');
      say(r.purged + ' purged');
    }));
    if ($('twin-form')) {
      $('twin-form').addEventListener('submit', e => { e.preventDefault(); guarded(loadTwin); });
      $('twin-desired-form').addEventListener('submit', e => { e.preventDefault(); guarded(updateDesired); });
    }
    $('method-form').addEventListener('submit', e => { e.preventDefault(); guarded(invokeMethod); });
    $('fault-kind').addEventListener('change', showFaultFields);
    showFaultFields();
    $('fault-form').addEventListener('submit', e => { e.preventDefault(); guarded(applyFault); });
    $('fault-clear').addEventListener('click', () => guarded(async () => {
      await api('POST', '/hubsim/faults/clear', {});
      logFault('all faults cleared');
    }));
    $('trace-connection').addEventListener('change', () => guarded(loadTrace));
    $('trace-link').addEventListener('change', drawTrace);
    $('trace-export').addEventListener('click', exportTrace);
  }

  wire();
})();
