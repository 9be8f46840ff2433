// Verifies webhook deliveries with the Standard Webhooks reference library (npm `standardwebhooks`),
// so a receiver written by someone else is known to accept ours.
// Usage: node verify.js <input.json>, input: {"secret": "whsec_...", "deliveries": [{"headers": {...}, "body": "..."}]}
// Prints one JSON array: per delivery {"ok": true, "type": ...} or {"ok": false, "error": "..."}.
const fs = require("fs");
const { Webhook } = require("standardwebhooks");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const webhook = new Webhook(input.secret);
const results = input.deliveries.map((delivery) => {
  try {
    const payload = webhook.verify(delivery.body, delivery.headers);
    return { ok: true, type: payload.type };
  } catch (error) {
    return { ok: false, error: String(error && error.message ? error.message : error) };
  }
});
process.stdout.write(JSON.stringify(results));
