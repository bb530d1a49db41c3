// A real OpenID Connect provider on the loopback interface, for the single sign-on tests.
//
// It is panva's certified `oidc-provider` (pinned in package-lock.json) with its development
// sign-in and consent pages, which accept any password: a test tool, never a real server.
//
// Usage: node provider.mjs '<json>' where the JSON holds
//   {"client_id": "...", "client_secret": "...", "redirect_uri": "...",
//    "accounts": {"<login>": {"email": "...", "email_verified": true, "name": "..."}}}
// It listens on a free port of 127.0.0.1 and prints one line of JSON, {"issuer": "..."},
// once it is ready; it stops on SIGTERM or when its standard input closes.

import http from 'node:http';
import process from 'node:process';

import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2] ?? '{}');
for (const key of ['client_id', 'client_secret', 'redirect_uri', 'accounts']) {
  if (!(key in config)) {
    process.stderr.write(`provider.mjs: the configuration lacks "${key}"\n`);
    process.exit(2);
  }
}

// The issuer URL holds the port, so the port is taken before the provider is made.
const server = http.createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

// The login typed on the development sign-in page is the account id (the OIDC `sub`).
async function findAccount(ctx, id) {
  const account = config.accounts[id];
  if (!account) {
    return undefined;
  }
  return {
    accountId: id,
    async claims() {
      return { sub: id, ...account };
    },
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: [config.redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  findAccount,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: { devInteractions: { enabled: true } },
  // Fixed keys: these cookies only ever live in a test browser.
  cookies: { keys: ['cible-test-only-cookie-key'] },
});
// Errors inside the provider land on the test run's captured output.
provider.on('server_error', (ctx, error) => { process.stderr.write(`${error.stack}\n`); });

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The test runner holds our standard input: when it goes away, so do we.
process.stdin.on('end', stop);
process.stdin.resume();
