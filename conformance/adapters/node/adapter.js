#!/usr/bin/env node
// A minimal hubsim client-kit adapter (protocol v2, conformance/ADAPTER-PROTOCOL.md) in Node.js: a small imp-style
// amqp API on the rhea AMQP 1.0 library, driven by JSON lines on stdin, reporting on stdout. Capabilities: impApi,
// receiver, binary. Run it through the kit: ./hubsim kit client --adapter "node adapter.js" --dir conformance/adapters/node
// (after npm ci in this directory).
'use strict';
const rhea = require('rhea');
const readline = require('readline');

// The imp limits and errors (seeds/imp-amqp-object.txt): this client's own copy.
const MAX_CONNECTIONS = 4, MAX_SESSIONS = 16, MAX_LINKS = 64, RATE_CAPACITY = 40, RATE_PER_SECOND = 2;
const ERRORS = {
  connection: 'max connection limit reached in amqp.openconnection(url, callback)',
  session: 'max session limit reached in amqpconnection.opensession(url, callback)',
  sender: 'max link limit reached in amqpsession.opensender(url, callback)',
  receiver: 'max link limit reached in amqpsession.openreceiver(url, callback)',
  rate: 'message rate exceeded in amqptransfer.sendasync(callback)',
};

const write = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
// An object's events go to its own callback, else to the connection's (the callback registered with openconnection).
function event(o, name, errorDetail) {
  let heardBy = o;
  while (!heardBy.ownCallback && heardBy.parent) heardBy = heardBy.parent;
  write({ type: 'event', event: 'callback', object: o.id, callback: heardBy.id, name, errorDetail });
}

let agent = null;

function newAgent(caPem) {
  return {
    ca: caPem, container: rhea.create_container({ id: 'imp-node-' + Math.random().toString(16).slice(2) }),
    objects: new Map(), slots: { connection: 0, session: 0, link: 0 }, credit: RATE_CAPACITY, stamp: Date.now(),
  };
}

// One object of the API: kind CONNECTION/SESSION/SENDER, its rhea endpoint, parent and children.
function track(id, kind, parent, slot, ownCallback) {
  const o = { id, kind, parent, slot, ownCallback: ownCallback !== false, children: [], open: false, done: false, released: false };
  if (parent) parent.children.push(o);
  agent.objects.set(id, o);
  return o;
}
const isOpen = (o) => o.open && !o.released && (!o.parent || isOpen(o.parent));

function freeSlot(o) {
  if (!o.slotFreed) { o.slotFreed = true; agent.slots[o.slot]--; }
}
function opened(o) {
  if (o.done || o.released || o.open) return;
  o.open = true;
  event(o, o.kind + '_OPEN', null);
}
// The broker ended the object (quietly for children of an ended parent: the parent's event tells it).
function ended(o, error, quiet) {
  if (o.done) return;
  o.done = true; o.open = false; freeSlot(o);
  o.children.forEach((c) => ended(c, null, true));
  if (o.released || quiet) return;
  if (error) event(o, o.kind + '_ERROR', String(error.description || error.condition || error.message || error));
  else event(o, o.kind + '_CLOSED', null);
}
function release(o) {
  if (o.released) return;
  o.children.forEach(release); // children first: their Detach goes before the parent's End
  o.released = true; o.open = false; freeSlot(o);
  if (o.endpoint && !o.done) o.endpoint.close();
}

function take(slot, error) {
  const max = { connection: MAX_CONNECTIONS, session: MAX_SESSIONS, link: MAX_LINKS }[slot];
  if (agent.slots[slot] >= max) throw new Error(error);
  agent.slots[slot]++;
}

function openConnection(id, url) {
  take('connection', ERRORS.connection);
  const u = new URL(url);
  const tls = u.protocol === 'amqps:';
  const options = { host: u.hostname, port: Number(u.port || (tls ? 5671 : 5672)), reconnect: false, hostname: u.hostname };
  if (tls) Object.assign(options, { transport: 'tls', ca: agent.ca, rejectUnauthorized: true });
  if (u.username) Object.assign(options, { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  const o = track(id, 'CONNECTION', null, 'connection');
  const conn = agent.container.connect(options);
  o.endpoint = conn;
  conn.on('connection_open', () => opened(o));
  const remoteError = (ctx) => ctx.connection.remote && ctx.connection.remote.close && ctx.connection.remote.close.error;
  conn.on('connection_error', (ctx) => ended(o, remoteError(ctx) || (ctx.connection.error && ctx.connection.error.message) || 'connection error'));
  conn.on('connection_close', (ctx) => ended(o, remoteError(ctx)));
  conn.on('disconnected', (ctx) => ended(o, ctx.error || 'disconnected'));
  conn.on('error', () => {}); // reported through the events above
}

function openSession(id, connectionId, ownCallback) {
  const c = agent.objects.get(connectionId);
  take('session', ERRORS.session);
  const o = track(id, 'SESSION', c, 'session', ownCallback);
  const session = c.endpoint.create_session();
  o.endpoint = session;
  session.on('session_open', () => opened(o));
  session.on('session_error', (ctx) => ended(o, ctx.session.error || 'session error'));
  session.on('session_close', (ctx) => ended(o, ctx.session.error));
  session.begin();
}

// A terminus the broker sent: rhea wraps even a null one in an object whose JSON is null.
const present = (terminus) => terminus !== null && terminus !== undefined && JSON.stringify(terminus) !== 'null';

function openSender(id, sessionId, path, ownCallback) {
  const s = agent.objects.get(sessionId);
  take('link', ERRORS.sender);
  const o = track(id, 'SENDER', s, 'link', ownCallback);
  o.queue = [];
  const sender = s.endpoint.attach_sender({ target: { address: path }, autosettle: true });
  o.endpoint = sender;
  // A refusal is an attach with a null target followed by a detach: no OPEN for it.
  sender.on('sender_open', (ctx) => { if (present(ctx.sender.remote.attach.target)) opened(o); });
  sender.on('sender_error', (ctx) => ended(o, ctx.sender.error || 'sender error'));
  sender.on('sender_close', (ctx) => ended(o, ctx.sender.error));
  sender.on('sendable', () => pump(o));
  for (const outcome of ['accepted', 'rejected', 'released', 'modified']) {
    sender.on(outcome, (ctx) => {
      const t = ctx.delivery.transfer;
      const err = ctx.delivery.remote_state && ctx.delivery.remote_state.error;
      if (t) write({ type: 'event', event: 'sent', transfer: t, outcome, errorDetail: outcome === 'accepted' ? null : String((err && err.description) || outcome) });
    });
  }
}

// A receiver grants its own credit (20, topped up as the application settles) and leaves each delivery unsettled
// until the application calls accept, reject or release.
function openReceiver(id, sessionId, path, ownCallback) {
  const s = agent.objects.get(sessionId);
  take('link', ERRORS.receiver);
  const o = track(id, 'RECEIVER', s, 'link', ownCallback);
  const receiver = s.endpoint.attach_receiver({ source: { address: path }, autoaccept: false, credit_window: 20 });
  o.endpoint = receiver;
  receiver.on('receiver_open', (ctx) => { if (present(ctx.receiver.remote.attach.source)) opened(o); });
  receiver.on('receiver_error', (ctx) => ended(o, ctx.receiver.error || 'receiver error'));
  receiver.on('receiver_close', (ctx) => ended(o, ctx.receiver.error));
  receiver.on('message', (ctx) => {
    if (o.released || o.done) return;
    const m = ctx.message;
    const delivery = 'd' + (++deliveries);
    agent.objects.set(delivery, { delivery: ctx.delivery });
    const binary = Buffer.isBuffer(m.body) || (m.body && m.body.typecode === 0x75);
    const bytes = m.body && m.body.typecode === 0x75 ? m.body.content : m.body;
    const properties = {};
    for (const [k, v] of Object.entries(m.application_properties || {})) properties[k] = typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
    write({ type: 'event', event: 'message', receiver: o.id, delivery, binary, body: binary ? Buffer.from(bytes).toString('base64') : String(m.body), properties });
  });
}
let deliveries = 0;

// Transfers wait in order until the receiving end gives credit.
function pump(o) {
  while (o.queue.length && o.endpoint.sendable()) {
    const t = o.queue.shift();
    const delivery = o.endpoint.send(t.message);
    delivery.transfer = t.id;
  }
}

function convert(value) {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return JSON.stringify(value); // other types (null, arrays, objects) become strings
}

function createMessage(id, body, properties, binary) {
  const application_properties = {};
  for (const [k, v] of Object.entries(properties || {})) application_properties[String(k)] = convert(v);
  const message = binary ? { body: rhea.message.data_section(Buffer.from(body, 'base64')), application_properties }
    : { body: String(body), application_properties };
  agent.objects.set(id, { message: Object.freeze(message) });
}

function sendAsync(transferId) {
  const t = agent.objects.get(transferId);
  const now = Date.now();
  agent.credit = Math.min(RATE_CAPACITY, agent.credit + (now - agent.stamp) / 1000 * RATE_PER_SECOND);
  agent.stamp = now;
  if (agent.credit < 1) throw new Error(ERRORS.rate);
  agent.credit -= 1;
  const sender = t.sender;
  sender.queue.push({ id: transferId, message: t.message });
  pump(sender);
}

function reset() {
  if (!agent) return;
  for (const o of agent.objects.values()) if (o.kind === 'CONNECTION') release(o);
  agent = null;
}

const handlers = {
  configure: (c) => { reset(); agent = newAgent(c.caPem); },
  reset: () => reset(),
  openconnection: (c) => openConnection(c.object, c.url),
  opensession: (c) => openSession(c.object, c.connection, c.callback),
  opensender: (c) => openSender(c.object, c.session, c.path, c.callback),
  openreceiver: (c) => openReceiver(c.object, c.session, c.path, c.callback),
  accept: (c) => agent.objects.get(c.delivery).delivery.accept(),
  reject: (c) => agent.objects.get(c.delivery).delivery.reject(),
  releasedelivery: (c) => agent.objects.get(c.delivery).delivery.release(),
  createmessage: (c) => createMessage(c.object, c.body, c.properties, false),
  createbinarymessage: (c) => createMessage(c.object, c.body, c.properties, true),
  createtransfer: (c) => agent.objects.set(c.object, { sender: agent.objects.get(c.sender), message: agent.objects.get(c.message).message }),
  sendasync: (c) => sendAsync(c.transfer),
  isopen: (c) => ({ open: isOpen(agent.objects.get(c.object)) }),
  release: (c) => release(agent.objects.get(c.object)),
};

write({ type: 'hello', protocol: 'hubsim-imp-adapter', version: 2, name: 'rhea ' + require('rhea/package.json').version + ' (Node.js ' + process.version + ')', capabilities: ['impApi', 'receiver', 'binary'] });
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  const c = JSON.parse(line);
  if (c.op === 'shutdown') {
    reset();
    write({ type: 'reply', id: c.id, ok: true, result: {} });
    setTimeout(() => process.exit(0), 100);
    return;
  }
  try {
    const handler = handlers[c.op];
    if (!handler) throw new Error("unknown op '" + c.op + "'");
    write({ type: 'reply', id: c.id, ok: true, result: handler(c) || {} });
  } catch (e) {
    write({ type: 'reply', id: c.id, ok: false, error: e.message });
  }
});
