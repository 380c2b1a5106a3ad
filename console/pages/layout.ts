import { html, type SafeHtml } from '../html.js';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
  /** A secret to hand over once (e.g. a new organisation's access token), shown masked until revealed. */
  secret?: { label: string; value: string };
}

export const PAGES = [
  { path: '/directory', title: 'Directory' },
  { path: '/banks', title: 'Banks' },
  { path: '/tpp', title: 'TPP' },
  { path: '/live', title: 'Live flow' },
  { path: '/scenarios', title: 'Scenarios' },
] as const;

/** The page frame: navigation, the flash message, the one stylesheet and the one script. */
export function layout(opts: {
  title: string;
  current?: string;
  csrf?: string;
  flash?: Flash;
  body: SafeHtml;
  refreshSeconds?: number;
}): string {
  const nav = opts.csrf
    ? html`<nav aria-label="Console">${PAGES.map(
        (p) =>
          html`<a href="${p.path}" ${opts.current === p.path ? html`aria-current="page"` : ''}>${p.title}</a>`,
      )}</nav>
      <form method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${opts.csrf}">
      <button class="secondary" type="submit">Sign out</button></form>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.refreshSeconds ? html`<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}
<title>${opts.title} — obmock console</title>
<link rel="stylesheet" href="/assets/console.css">
<script type="module" src="/assets/console.js"></script>
</head>
<body>
<header class="top"><span class="brand">obmock console</span>${nav}</header>
<main>
${
  opts.flash
    ? html`<div class="flash ${opts.flash.kind}" role="status">${opts.flash.text}${
        opts.flash.secret
          ? html`<br>${opts.flash.secret.label}: ${secret('flash-secret', opts.flash.secret.value)}`
          : ''
      }</div>`
    : ''
}
${opts.body}
</main>
</body>
</html>
`.value;
}

/** A POST button with the CSRF token. */
export function postButton(
  action: string,
  csrf: string,
  label: string,
  opts: { fields?: Record<string, string>; className?: string } = {},
): SafeHtml {
  return html`<form class="inline" method="post" action="${action}"><input type="hidden" name="_csrf" value="${csrf}">${Object.entries(
    opts.fields ?? {},
  ).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit" class="${opts.className ?? ''}">${label}</button></form>`;
}

/** A secret shown masked, with a button that reveals it on purpose. */
export function secret(id: string, value: string): SafeHtml {
  const masked = `${value.slice(0, 4)}${'•'.repeat(12)}`;
  return html`<code id="${id}" data-secret="${value}" data-masked="${masked}">${masked}</code>
    <button type="button" class="secondary" data-reveal="${id}">Reveal</button>`;
}
