/**
 * The self-contained HTML pages proxy.ts answers with in place of a page (the database is down, the
 * wrong address): no app code, no assets, styled like the app. The response's CSP allows the one
 * `<style>` by its nonce. `body` is HTML: callers escape whatever they put in it.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function staticPageHtml({ title, body, nonce }: { title: string; body: string; nonce: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Keyhole</title>
<style nonce="${escapeHtml(nonce)}">
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem 1rem; box-sizing: border-box; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f7f9; color: #1c2330; }
main { box-sizing: border-box; width: 100%; max-width: 30rem; background: #fff; border: 1px solid #d9dde5; border-radius: 10px; padding: 1.5rem; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; line-height: 1.2; }
code { font-size: .95em; }
a { display: inline-block; padding: .6rem 1rem; border-radius: 8px; background: #2f5bd3; color: #fff; font-weight: 600; text-decoration: none; }
a:focus-visible { outline: 3px solid #2f5bd3; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}
