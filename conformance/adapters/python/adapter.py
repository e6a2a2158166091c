#!/usr/bin/python3
"""A hubsim client-kit adapter (protocol v2, conformance/ADAPTER-PROTOCOL.md) in Python on Qpid Proton's C engine.

A small imp-style amqp API (4 connections, 16 sessions, 64 links per agent; 40 messages of credit regenerating 2 per
second) written on proton's reactor, driven by JSON lines on stdin, reporting on stdout. Capabilities: impApi, receiver,
binary. It needs Debian's python3-qpid-proton, which imports under /usr/bin/python3 only:

    ./hubsim kit client --adapter "/usr/bin/python3 adapter.py" --dir conformance/adapters/python
"""
import base64
import ipaddress
import json
import os
import sys
import tempfile
import threading
import time
from urllib.parse import unquote, urlsplit

from proton import Message, SSLDomain, Terminus
from proton import Handler
from proton.reactor import ApplicationEvent, Container, EventInjector

MAX = {"connection": 4, "session": 16, "link": 64}
RATE_CAPACITY, RATE_PER_SECOND = 40, 2.0
ERRORS = {
    "connection": "max connection limit reached in amqp.openconnection(url, callback)",
    "session": "max session limit reached in amqpconnection.opensession(url, callback)",
    "sender": "max link limit reached in amqpsession.opensender(url, callback)",
    "receiver": "max link limit reached in amqpsession.openreceiver(url, callback)",
    "rate": "message rate exceeded in amqptransfer.sendasync(callback)",
}
RECEIVER_CREDIT = 20
OUT = sys.stdout
sys.stdout = sys.stderr  # stdout carries the protocol only


def write(obj):
    OUT.write(json.dumps(obj) + "\n")
    OUT.flush()


class Obj:
    """A connection, session, sender or receiver of the API: its endpoint, parent, children and state."""

    def __init__(self, oid, kind, parent, slot, own_callback):
        self.id, self.kind, self.parent, self.slot, self.own_callback = oid, kind, parent, slot, own_callback
        self.children, self.open, self.done, self.released, self.slot_freed = [], False, False, False, False
        self.endpoint, self.queue = None, []
        if parent:
            parent.children.append(self)

    def is_open(self):
        return self.open and not self.released and (self.parent is None or self.parent.is_open())


class Agent:
    """One imp agent: its objects, limit slots and message credit."""

    def __init__(self, ca_file):
        self.ca_file, self.objects = ca_file, {}
        self.slots = {"connection": 0, "session": 0, "link": 0}
        self.credit, self.stamp = float(RATE_CAPACITY), time.monotonic()


class Adapter(Handler):
    def __init__(self):
        super().__init__()
        self.container = None
        self.injector = EventInjector()
        self.agent = None
        self.deliveries = 0

    # ------------------------------------------------------------------ events of the API

    def event(self, o, name, detail):
        heard_by = o
        while not heard_by.own_callback and heard_by.parent:
            heard_by = heard_by.parent  # the callback registered with openconnection
        write({"type": "event", "event": "callback", "object": o.id, "callback": heard_by.id, "name": name, "errorDetail": detail})

    def opened(self, o):
        if o.done or o.released or o.open:
            return
        o.open = True
        self.event(o, o.kind + "_OPEN", None)

    def free_slot(self, o):
        if not o.slot_freed:
            o.slot_freed = True
            self.agent.slots[o.slot] -= 1

    def ended(self, o, error, quiet=False):
        """The broker ended the object (children quietly: the parent's event tells it)."""
        if o is None or o.done:
            return
        o.done, o.open = True, False
        if self.agent and o.id in self.agent.objects:
            self.free_slot(o)
        for t in o.queue:
            write({"type": "event", "event": "sent", "transfer": t, "outcome": "released", "errorDetail": "sender closed"})
        o.queue = []
        for c in o.children:
            self.ended(c, None, True)
        if o.released or quiet:
            return
        if error is not None:
            self.event(o, o.kind + "_ERROR", error)
        else:
            self.event(o, o.kind + "_CLOSED", None)

    def release(self, o):
        if o.released:
            return
        for c in o.children:  # children first: their Detach goes before the parent's End
            self.release(c)
        o.released, o.open = True, False
        self.free_slot(o)
        if o.endpoint is not None and not o.done:
            o.endpoint.close()

    def take(self, slot, error):
        if self.agent.slots[slot] >= MAX[slot]:
            raise RuntimeError(ERRORS[error])
        self.agent.slots[slot] += 1

    # ------------------------------------------------------------------ commands (on the reactor thread)

    def on_command(self, event):
        c = event.subject
        if c.get("op") == "shutdown":
            self.reset()
            write({"type": "reply", "id": c.get("id"), "ok": True, "result": {}})
            self.container.stop()
            return
        try:
            handler = getattr(self, "op_" + str(c.get("op")), None)
            if handler is None:
                raise RuntimeError("unknown op '%s'" % c.get("op"))
            result = handler(c) or {}
            write({"type": "reply", "id": c.get("id"), "ok": True, "result": result})
        except Exception as e:  # the API call raised: a synchronous error
            write({"type": "reply", "id": c.get("id"), "ok": False, "error": str(e)})

    def on_eof(self, event):
        self.reset()
        self.container.stop()

    def op_configure(self, c):
        self.reset()
        fd, ca_file = tempfile.mkstemp(suffix=".pem")
        with os.fdopen(fd, "w") as f:
            f.write(c.get("caPem") or "")
        self.agent = Agent(ca_file)

    def op_reset(self, c):
        self.reset()

    def reset(self):
        if self.agent is None:
            return
        for o in list(self.agent.objects.values()):
            if isinstance(o, Obj) and o.kind == "CONNECTION":
                self.release(o)
        os.unlink(self.agent.ca_file)
        self.agent = None

    def op_openconnection(self, c):
        self.take("connection", "connection")
        o = Obj(c["object"], "CONNECTION", None, "connection", True)
        self.agent.objects[o.id] = o
        url = urlsplit(c["url"])
        tls = url.scheme == "amqps"
        domain = None
        if tls:
            domain = SSLDomain(SSLDomain.MODE_CLIENT)
            domain.set_trusted_ca_db(self.agent.ca_file)
            # Proton-C matches the peer name against DNS names only, never IP addresses: for an IP literal (the kit's
            # 127.0.0.1) the chain is verified against the kit's CA, and the name check is left out.
            domain.set_peer_authentication(SSLDomain.VERIFY_PEER if is_ip(url.hostname) else SSLDomain.VERIFY_PEER_NAME)
        address = "%s://%s:%d" % (url.scheme, url.hostname, url.port or (5671 if tls else 5672))
        kwargs = {"reconnect": False, "ssl_domain": domain, "sasl_enabled": True}
        if url.username is not None:
            kwargs.update(user=unquote(url.username), password=unquote(url.password or ""), allowed_mechs="PLAIN")
        else:
            kwargs.update(allowed_mechs="ANONYMOUS")
        conn = self.container.connect(address, **kwargs)
        conn.context = o
        o.endpoint = conn

    def op_opensession(self, c):
        parent = self.agent.objects[c["connection"]]
        self.take("session", "session")
        o = Obj(c["object"], "SESSION", parent, "session", c.get("callback", True) is not False)
        self.agent.objects[o.id] = o
        if parent.done:
            return
        session = parent.endpoint.session()
        session.context = o
        o.endpoint = session
        session.open()

    def open_link(self, c, kind):
        parent = self.agent.objects[c["session"]]
        self.take("link", kind.lower())
        o = Obj(c["object"], kind, parent, "link", c.get("callback", True) is not False)
        self.agent.objects[o.id] = o
        if parent.done:
            return
        name = "%s-%s-%s" % (kind.lower(), o.id, time.monotonic_ns())
        if kind == "SENDER":
            link = parent.endpoint.sender(name)
            link.target.address = c["path"]
        else:
            link = parent.endpoint.receiver(name)
            link.source.address = c["path"]
        link.context = o
        o.endpoint = link
        link.open()
        if kind == "RECEIVER":
            link.flow(RECEIVER_CREDIT)  # a receiver grants its own credit

    def op_opensender(self, c):
        self.open_link(c, "SENDER")

    def op_openreceiver(self, c):
        self.open_link(c, "RECEIVER")

    def op_createmessage(self, c):
        self.agent.objects[c["object"]] = Message(body=str(c["body"]), properties=convert(c.get("properties")))

    def op_createbinarymessage(self, c):
        # inferred: a bytes body goes out as a data section
        self.agent.objects[c["object"]] = Message(body=base64.b64decode(c["body"]), properties=convert(c.get("properties")),
                                                  inferred=True)

    def op_createtransfer(self, c):
        self.agent.objects[c["object"]] = (self.agent.objects[c["sender"]], self.agent.objects[c["message"]])

    def op_sendasync(self, c):
        sender, message = self.agent.objects[c["transfer"]]
        now = time.monotonic()
        self.agent.credit = min(RATE_CAPACITY, self.agent.credit + (now - self.agent.stamp) * RATE_PER_SECOND)
        self.agent.stamp = now
        if self.agent.credit < 1:
            raise RuntimeError(ERRORS["rate"])
        self.agent.credit -= 1
        if sender.released or sender.done:
            write({"type": "event", "event": "sent", "transfer": c["transfer"], "outcome": "released", "errorDetail": "sender closed"})
            return
        sender.queue.append((c["transfer"], message))
        self.pump(sender)

    def pump(self, o):
        """Transfers wait in order until the receiving end grants credit."""
        link = o.endpoint
        while o.queue and link is not None and link.credit > 0 and not o.done:
            transfer, message = o.queue.pop(0)
            delivery = link.send(message)
            delivery.context = transfer

    def op_isopen(self, c):
        return {"open": self.agent.objects[c["object"]].is_open()}

    def op_release(self, c):
        self.release(self.agent.objects[c["object"]])

    def settle(self, c, state):
        delivery = self.agent.objects.pop(c["delivery"])
        delivery.update(state)
        delivery.settle()
        link = delivery.link
        if link.credit < RECEIVER_CREDIT // 2:
            link.flow(RECEIVER_CREDIT - link.credit)

    def op_accept(self, c):
        self.settle(c, delivery_states().ACCEPTED)

    def op_reject(self, c):
        self.settle(c, delivery_states().REJECTED)

    def op_releasedelivery(self, c):
        self.settle(c, delivery_states().RELEASED)

    # ------------------------------------------------------------------ proton's events (the library's side)

    def on_connection_remote_open(self, event):
        self.opened(event.connection.context)

    def on_session_remote_open(self, event):
        self.opened(event.session.context)

    def on_link_remote_open(self, event):
        link, o = event.link, event.link.context
        terminus = link.remote_target if link.is_sender else link.remote_source
        if terminus.type == Terminus.UNSPECIFIED:
            return  # a refusal: an attach with a null terminus, its detach follows
        self.opened(o)

    @staticmethod
    def condition(endpoint):
        cond = endpoint.remote_condition
        if cond is None:
            return None
        return cond.description or cond.name

    def on_link_remote_close(self, event):
        self.ended(event.link.context, self.condition(event.link))
        if not event.link.state & event.link.LOCAL_CLOSED:
            event.link.close()

    def on_link_remote_detach(self, event):
        self.on_link_remote_close(event)

    def on_session_remote_close(self, event):
        self.ended(event.session.context, self.condition(event.session))
        if not event.session.state & event.session.LOCAL_CLOSED:
            event.session.close()

    def on_connection_remote_close(self, event):
        self.ended(event.connection.context, self.condition(event.connection))
        if not event.connection.state & event.connection.LOCAL_CLOSED:
            event.connection.close()

    def on_transport_error(self, event):
        cond = event.transport.condition
        o = event.connection.context if event.connection is not None else None
        self.ended(o, (cond.description or cond.name) if cond is not None else "connection lost")

    def on_transport_closed(self, event):
        if event.connection is not None:
            self.ended(event.connection.context, "connection closed by the peer")

    def on_link_flow(self, event):
        o = event.link.context
        if o is not None and o.kind == "SENDER" and not o.released:
            self.pump(o)

    def on_delivery(self, event):
        delivery, o = event.delivery, event.link.context
        if o is None:
            return
        if o.kind == "SENDER":
            if delivery.remote_state or delivery.remote_settled:
                states = delivery_states()
                state = delivery.remote_state
                outcome = {states.ACCEPTED: "accepted", states.REJECTED: "rejected", states.RELEASED: "released",
                           states.MODIFIED: "modified"}.get(state, "accepted")
                detail = None
                if outcome == "rejected":
                    cond = delivery.remote.condition
                    detail = (cond.description or cond.name) if cond is not None else "rejected"
                elif outcome != "accepted":
                    detail = outcome
                delivery.settle()
                if delivery.context is not None:
                    write({"type": "event", "event": "sent", "transfer": delivery.context, "outcome": outcome, "errorDetail": detail})
        elif delivery.readable and not delivery.partial:
            message = Message()
            message.decode(event.link.recv(delivery.pending))
            event.link.advance()
            if o.released or o.done:
                return
            self.deliveries += 1
            did = "d%d" % self.deliveries
            self.agent.objects[did] = delivery  # unsettled until the application settles it
            body = message.body
            binary = isinstance(body, (bytes, bytearray, memoryview))
            props = {}
            for k, v in (message.properties or {}).items():
                props[str(k)] = v if isinstance(v, (bool, int, float)) else str(v)
            write({"type": "event", "event": "message", "receiver": o.id, "delivery": did, "binary": binary,
                   "body": base64.b64encode(bytes(body)).decode() if binary else str(body), "properties": props})


def delivery_states():
    from proton import Delivery
    return Delivery


def is_ip(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def convert(properties):
    """Integers, floats, booleans and strings keep their type; anything else (null, arrays, objects) becomes a string."""
    out = {}
    for k, v in (properties or {}).items():
        out[str(k)] = v if isinstance(v, (bool, int, float, str)) else json.dumps(v)
    return out


def main():
    adapter = Adapter()
    container = Container(adapter)
    adapter.container = container
    container.selectable(adapter.injector)
    import proton
    write({"type": "hello", "protocol": "hubsim-imp-adapter", "version": 2,
           "name": "Qpid Proton-C %s (Python %s)" % (".".join(map(str, proton.VERSION)), sys.version.split()[0]),
           "capabilities": ["impApi", "receiver", "binary"]})

    def read():
        for line in sys.stdin:
            if line.strip():
                adapter.injector.trigger(ApplicationEvent("command", subject=json.loads(line)))
        adapter.injector.trigger(ApplicationEvent("eof"))

    threading.Thread(target=read, daemon=True).start()
    container.run()
    adapter.injector.close()


if __name__ == "__main__":
    main()
