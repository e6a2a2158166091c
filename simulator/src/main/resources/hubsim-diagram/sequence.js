// The sequence diagram of a trace: client and hub lanes, one row per record in order, arrows pointing the way the
// frame went; errors in red, faults and limits marked between the lanes. No library: rows are plain elements so the
// page stays small, and each row carries data-* attributes (type, direction, path) for scripts. Used by the console's
// trace panel (the simulator's records) and the conformance kit's report.html (the probe's frames: same fields, with
// "connection" for "connectionId"); records of more than one connection are labelled with theirs.
'use strict';
(function () {
  const KEY_FIELDS = {
    OPEN: ['container-id', 'hostname', 'max-frame-size', 'channel-max', 'idle-time-out'],
    BEGIN: ['remote-channel', 'incoming-window', 'outgoing-window', 'handle-max'],
    ATTACH: ['name', 'role', 'handle', 'source', 'target', 'snd-settle-mode', 'rcv-settle-mode', 'max-message-size'],
    FLOW: ['handle', 'link-credit', 'delivery-count', 'drain', 'incoming-window'],
    TRANSFER: ['handle', 'delivery-id', 'delivery-tag', 'settled', 'more', 'aborted', 'payload-bytes'],
    DISPOSITION: ['role', 'first', 'last', 'settled', 'state'],
    DETACH: ['handle', 'closed', 'condition', 'description'],
    END: ['condition', 'description'],
    CLOSE: ['condition', 'description'],
  };

  function text(value) {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  }

  function summary(r) {
    const f = r.fields || {};
    const keys = KEY_FIELDS[r.type] || Object.keys(f);
    return keys.filter(k => f[k] !== undefined && f[k] !== null).map(k => k + '=' + text(f[k])).join('  ');
  }

  function isError(r) {
    const f = r.fields || {};
    if (f.condition) return true;
    if (r.type === 'CBS_REPLY') return f['status-code'] !== undefined && Number(f['status-code']) >= 300;
    if (r.type === 'DISPOSITION') return f.state === 'Rejected';
    return r.type === 'VIOLATION' || r.type === 'SASL_OUTCOME' && f.code && f.code !== 'OK';
  }

  function time(iso) {
    const t = String(iso || '');
    const at = t.indexOf('T');
    return at < 0 ? t : t.substring(at + 1, at + 13);
  }

  function el(tag, cls, content) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }

  /** Draws the records (oldest first) into the container; linkPath, when set, keeps only that link's frames. */
  function render(container, records, linkPath) {
    container.replaceChildren();
    const head = el('div', 'seq-head');
    head.append(el('span', 'seq-time', 'time'), el('span', 'lane client', 'client'), el('span', 'seq-mid'), el('span', 'lane hub', 'hub'));
    container.append(head);
    const several = new Set(records.map(connectionOf)).size > 1;
    for (const r of records) {
      if (linkPath && r.path !== linkPath) continue;
      container.append(row(r, several));
    }
  }

  function connectionOf(r) {
    return r.connectionId || r.connection || '';
  }

  function row(r, labelConnection) {
    const dir = r.direction === 'IN' ? 'in' : r.direction === 'OUT' ? 'out' : 'local';
    const marked = r.type === 'FAULT' || r.type === 'VIOLATION' || r.type === 'LIMIT';
    const e = el('div', 'frame ' + dir + (isError(r) ? ' error' : '') + (marked ? ' marked' : ''));
    e.dataset.type = r.type;
    e.dataset.direction = r.direction;
    e.dataset.sequence = r.sequence;
    if (r.path) e.dataset.path = r.path;
    if (r.fields && r.fields.condition) e.dataset.condition = r.fields.condition;
    const arrow = el('div', 'arrow');
    const label = el('div', 'label');
    if (labelConnection) label.append(el('span', 'connection', connectionOf(r) + ' '));
    label.append(el('strong', null, r.type.replaceAll('_', ' ')),
      document.createTextNode(r.channel >= 0 ? ' [' + r.channel + ']' : ''),
      r.path ? el('span', 'path', ' ' + r.path) : document.createTextNode(''));
    const detail = el('div', 'detail', summary(r));
    arrow.append(label, detail);
    e.append(el('span', 'seq-time', time(r.time)), el('span', 'lane client'), arrow, el('span', 'lane hub'));
    e.title = (r.direction === 'IN' ? 'client → hub' : r.direction === 'OUT' ? 'hub → client' : 'noted by the hub') + ': ' + JSON.stringify(r.fields || {});
    return e;
  }

  /** The live sessions (client channels) and the link names on each, as the frames so far tell. */
  function sessions(records) {
    const open = new Map();
    for (const r of records) {
      if (r.direction !== 'IN') continue;
      if (r.type === 'BEGIN') open.set(r.channel, new Set());
      else if (r.type === 'END') open.delete(r.channel);
      else if (r.type === 'ATTACH' && open.has(r.channel)) open.get(r.channel).add(r.fields.name + ' ' + (r.path || ''));
      else if (r.type === 'DETACH' && open.has(r.channel)) {
        for (const l of open.get(r.channel)) if (r.path && l.endsWith(' ' + r.path)) open.get(r.channel).delete(l);
      }
    }
    return open;
  }

  window.HubsimSequence = { render, row, sessions, summary };
})();
