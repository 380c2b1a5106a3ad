// The obmock console's only script: the live flow, presenter mode, CSR files, and
// key + CSR generation with WebCrypto (the private key never leaves the browser).
// Loaded from /assets/console.js under a CSP that allows no inline script.

// ---- secrets: masked until revealed on purpose ----
for (const button of document.querySelectorAll('[data-reveal]')) {
  button.addEventListener('click', () => {
    const target = document.getElementById(button.getAttribute('data-reveal'));
    if (!target) return;
    const shown = target.textContent === target.dataset.secret;
    target.textContent = shown ? target.dataset.masked : target.dataset.secret;
    button.textContent = shown ? 'Reveal' : 'Hide';
  });
}

// ---- CSR file → the form's textarea ----
for (const input of document.querySelectorAll('input[type=file][data-fill]')) {
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    const target = document.getElementById(input.getAttribute('data-fill'));
    if (file && target && file.size < 64 * 1024) target.value = await file.text();
  });
}

// ---- DER for a PKCS#10 certification request ----
const bytes = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const length = (n) => {
  if (n < 128) return [n];
  const b = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) b.unshift(v % 256);
  return [0x80 | b.length, ...b];
};
const tlv = (tag, ...content) => {
  const body = bytes(...content);
  return bytes(new Uint8Array([tag, ...length(body.length)]), body);
};
const oid = (dotted) => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const b128 = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      b128.unshift((v % 128) | (b128.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...b128);
  }
  return tlv(0x06, new Uint8Array(out));
};
const utf8 = (s) => new TextEncoder().encode(s);
const NAME_OIDS = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };
const rdn = (type, value) =>
  tlv(0x31, tlv(0x30, oid(NAME_OIDS[type]), tlv(type === 'C' ? 0x13 : 0x0c, utf8(value))));
const pem = (label, der) => {
  let b64 = '';
  const chunk = 0x8000;
  for (let i = 0; i < der.length; i += chunk) b64 += String.fromCharCode(...der.subarray(i, i + chunk));
  b64 = btoa(b64);
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
};

/** An RSA 2048 key pair and a CSR for C=GB, O=OpenBanking, OU=org, CN=software statement (OB's legacy profile). */
async function keyAndCsr(org, softwareStatement) {
  const keys = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  );
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const name = tlv(
    0x30,
    rdn('C', 'GB'),
    rdn('O', 'OpenBanking'),
    rdn('OU', org),
    rdn('CN', softwareStatement),
  );
  const info = tlv(0x30, new Uint8Array([0x02, 0x01, 0x00]), name, spki, new Uint8Array([0xa0, 0x00]));
  const signature = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, info));
  const algorithm = tlv(0x30, oid('1.2.840.113549.1.1.11'), new Uint8Array([0x05, 0x00]));
  const csr = tlv(0x30, info, algorithm, tlv(0x03, new Uint8Array([0]), signature));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { csrPem: pem('CERTIFICATE REQUEST', csr), keyPem: pem('PRIVATE KEY', pkcs8) };
}

for (const button of document.querySelectorAll('[data-generate-csr]')) {
  button.addEventListener('click', async () => {
    const status = document.getElementById('generate-status');
    const target = document.getElementById(button.getAttribute('data-fill'));
    const link = document.getElementById('key-download');
    button.disabled = true;
    if (status) status.textContent = 'Generating an RSA 2048 key pair in this browser…';
    try {
      const { csrPem, keyPem } = await keyAndCsr(button.dataset.org, button.dataset.softwareStatement);
      if (target) target.value = csrPem;
      if (link) {
        link.href = URL.createObjectURL(new Blob([keyPem], { type: 'application/x-pem-file' }));
        link.hidden = false;
      }
      if (status)
        status.textContent =
          'Done: the CSR is in the form below; the private key stays here — download it, then upload the CSR.';
    } catch (err) {
      if (status) status.textContent = `Could not generate the key: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });
}

// ---- live flow ----
const flow = document.getElementById('flow');
if (flow) {
  const lanes = JSON.parse(flow.dataset.lanes);
  flow.parentElement.style.setProperty('--lanes', String(lanes.length));
  const detail = document.getElementById('message-detail');
  const filters = ['org', 'client', 'bank'].map((k) => document.getElementById(`filter-${k}`));
  const stepToggle = document.getElementById('step-mode');
  const presenterToggle = document.getElementById('presenter-mode');
  const waiting = document.getElementById('waiting');
  const queue = [];
  // the console's reads of the admin APIs (each Banks page load makes several) can be hidden
  const hideConsole = document.getElementById('hide-console');
  const matches = (row) =>
    !(hideConsole?.checked && row.dataset.from === 'obmock-console') &&
    filters.every(
      (f) => !f || !f.value.trim() || (row.dataset[f.id.slice(7)] ?? '').includes(f.value.trim()),
    );
  // Roving tabindex: the list is one Tab stop (the message last moved to, else the first shown);
  // ↑/↓ move between the messages shown, Home/End go to the first/last, Enter opens (the button's).
  let current;
  const shown = () => [...flow.querySelectorAll('.msg:not([hidden])')];
  const makeCurrent = (row) => {
    if (current && current !== row) current.tabIndex = -1;
    current = row;
    if (row) row.tabIndex = 0;
  };
  const keepCurrent = () => {
    if (!current || current.hidden) makeCurrent(shown()[0]);
  };
  const moves = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };
  flow.addEventListener('keydown', (e) => {
    const row = e.target instanceof Element ? e.target.closest('.msg') : null;
    if (!row || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || !Object.hasOwn(moves, e.key)) return;
    e.preventDefault();
    const rows = shown();
    const to = rows[Math.max(0, Math.min(rows.length - 1, rows.indexOf(row) + moves[e.key]))];
    if (!to) return;
    makeCurrent(to);
    to.focus();
  });
  flow.addEventListener('focusin', (e) => {
    const row = e.target instanceof Element ? e.target.closest('.msg') : null;
    if (row) makeCurrent(row);
  });
  const applyFilters = () => {
    for (const row of flow.querySelectorAll('.msg')) row.hidden = !matches(row);
    keepCurrent();
  };
  for (const f of filters) f?.addEventListener('input', applyFilters);
  hideConsole?.addEventListener('change', applyFilters);

  const setPresenter = (on) => {
    document.body.classList.toggle('presenter', on);
    if (presenterToggle) presenterToggle.checked = on;
    localStorage.setItem('obmock-presenter', on ? '1' : '');
  };
  presenterToggle?.addEventListener('change', () => setPresenter(presenterToggle.checked));
  setPresenter(localStorage.getItem('obmock-presenter') === '1');

  const updateWaiting = () => {
    if (waiting)
      waiting.textContent = queue.length
        ? `${queue.length} more — press Space or → for the next message`
        : '';
  };
  /** The session has ended (the console restarted, or signed out): say so, with the way back. */
  const ended = (where) => {
    const link = document.createElement('a');
    link.href = '/sign-in';
    link.textContent = 'sign in again';
    where.replaceChildren(
      'Your session has ended (the console was restarted, or you signed out): ',
      link,
      '.',
    );
  };
  const show = async (id, row) => {
    for (const r of flow.querySelectorAll('.msg.selected')) r.classList.remove('selected');
    row?.classList.add('selected');
    // without a session the console redirects to its sign-in page: that is not the message
    const res = await fetch(`/live/messages/${id}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    if (res.type === 'opaqueredirect') {
      const p = document.createElement('p');
      ended(p);
      detail.replaceChildren(p);
    } else detail.innerHTML = res.ok ? await res.text() : '<p>This message is no longer kept.</p>';
    detail.focus({ preventScroll: true });
  };
  const add = (m) => {
    const row = document.createElement('button');
    row.type = 'button';
    row.className = `msg${m.status >= 400 ? ' refused' : ''}`;
    row.dataset.id = String(m.id);
    row.dataset.org = m.facts.org ?? '';
    row.dataset.client = m.facts.client ?? '';
    row.dataset.bank = m.facts.bank ?? '';
    row.dataset.from = m.facts.from ?? '';
    const to = Math.max(1, lanes.indexOf(m.facts.to));
    row.style.setProperty('--to', String(to + 2));
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = `${m.method} ${m.path.split('?')[0]} → ${m.status}`;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = `${m.facts.from} → ${m.facts.to}`;
    row.append(label, who);
    row.addEventListener('click', () => show(m.id, row));
    row.hidden = !matches(row);
    row.tabIndex = -1;
    const atEnd = flow.scrollHeight - flow.scrollTop - flow.clientHeight < 60;
    flow.append(row);
    keepCurrent();
    if (atEnd) flow.scrollTop = flow.scrollHeight;
  };
  const next = () => {
    const m = queue.shift();
    if (m) add(m);
    updateWaiting();
  };
  // Space and Enter belong to a focused button or link (a message opens, Sign out signs out);
  // elsewhere, and on the two mode checkboxes, they reveal the next message, as → does anywhere.
  const ownsKey = (t) =>
    t instanceof Element &&
    t.closest('button, a[href], summary, select, textarea, input:not(#step-mode):not(#presenter-mode)');
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLInputElement && e.target.type === 'text') return;
    const advance = e.key === 'ArrowRight' || ((e.key === ' ' || e.key === 'Enter') && !ownsKey(e.target));
    if (advance && stepToggle?.checked && queue.length) {
      e.preventDefault();
      next();
    }
    if (e.key === 'p' && !(e.target instanceof HTMLInputElement))
      setPresenter(!document.body.classList.contains('presenter'));
  });
  stepToggle?.addEventListener('change', () => {
    if (!stepToggle.checked) while (queue.length) next();
  });
  document.getElementById('next-message')?.addEventListener('click', next);
  // Messages from before the page loaded are history: shown at once even in step-by-step mode
  // (the browser may bring the checkbox back ticked when the page is reached with Back).
  const newest = Number(flow.dataset.newest) || 0;
  let lastSeen = 0;
  const connect = () => {
    const events = new EventSource('/live/events');
    events.addEventListener('open', updateWaiting);
    events.addEventListener('message', (e) => {
      const m = JSON.parse(e.data);
      // a new stream after a lost connection sends its backlog again: each message once
      if (m.id <= lastSeen) return;
      lastSeen = m.id;
      if (stepToggle?.checked && m.id > newest) {
        queue.push(m);
        updateWaiting();
      } else add(m);
    });
    // Closed, the browser does not retry by itself: ask why. Refused (every place taken): say so.
    // Redirected to the sign-in page: the session has ended (the console restarted). Unreachable:
    // the console is down, try again in a while.
    events.addEventListener('error', async () => {
      if (!waiting) return;
      if (events.readyState === EventSource.CONNECTING) {
        waiting.textContent = 'Lost the console: reconnecting…';
        return;
      }
      const res = await fetch('/live/events', { method: 'HEAD', redirect: 'manual' }).catch(() => undefined);
      if (!res) {
        waiting.textContent = 'Lost the console: reconnecting…';
        setTimeout(connect, 3000);
      } else if (res.type === 'opaqueredirect') ended(waiting);
      else
        waiting.textContent = 'The live flow has no room for this tab now: close another tab, then reload.';
    });
  };
  connect();
}
