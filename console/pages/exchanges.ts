import { exchangeCertificates } from '../../scenarios/reporters/index.js';
import type { Exchange } from '../../scenarios/types.js';
import { html, type SafeHtml } from '../html.js';

/** Exchanges as a list that opens to headers, bodies, decoded JWTs and certificates. */
export function exchangeList(exchanges: Exchange[]): SafeHtml {
  return html`<ol class="exchanges">${exchanges.map((e) => {
    const path = (() => {
      try {
        return new URL(e.url).pathname;
      } catch {
        return e.url;
      }
    })();
    return html`<li><details><summary><code>${e.method} ${path}</code> → <strong>${e.error ?? e.status}</strong>
      <span class="muted">${e.from} → ${e.to}, ${e.ms} ms</span></summary>
      <h4>Request headers</h4><pre tabindex="0">${JSON.stringify(e.requestHeaders, null, 2)}</pre>
      ${e.requestBody ? html`<h4>Request body</h4><pre tabindex="0">${e.requestBody.slice(0, 8000)}</pre>` : ''}
      ${e.responseHeaders ? html`<h4>Response headers</h4><pre tabindex="0">${JSON.stringify(e.responseHeaders, null, 2)}</pre>` : ''}
      ${e.responseBody ? html`<h4>Response body</h4><pre tabindex="0">${e.responseBody.slice(0, 8000)}</pre>` : ''}
      ${e.jwts.map(
        (j) =>
          html`<h4>JWT in the ${j.where}</h4><pre tabindex="0">${JSON.stringify({ header: j.header, payload: j.payload }, null, 2)}</pre>`,
      )}
      ${exchangeCertificates(e).map(
        (c) =>
          html`<h4>Certificate in the ${c.where}</h4><pre tabindex="0">${JSON.stringify(c, null, 2)}</pre>`,
      )}
    </details></li>`;
  })}</ol>`;
}
