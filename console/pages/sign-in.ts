import { html } from '../html.js';
import { layout } from './layout.js';

/** What a form sent without a session is told: it was not carried out, and why that happens. */
export const SESSION_ENDED =
  'Your session has ended (the console was restarted, or you signed out): sign in again. What you sent was not carried out.';

/** The sign-in page: it shows nothing of the instance. */
export function signInPage(error?: string): string {
  return layout({
    title: 'Sign in',
    ...(error ? { flash: { kind: 'error' as const, text: error } } : {}),
    body: html`<h1>Sign in</h1>
      <p>Open the one-time link <code>obmock up</code> printed, or sign in with the admin token
      (in <code>DATA_DIR/directory/admin-token</code>).</p>
      <form method="post" action="/sign-in">
        <label>Admin token <input type="password" name="token" autocomplete="off" required></label>
        <button type="submit">Sign in</button>
      </form>`,
  });
}
