import assert from "node:assert/strict";
import { test } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import { clientKey, peerIp } from "../../src/api/client-key.js";

test("peerIp drops the port, IPv6 included, and folds IPv4-mapped addresses", () => {
  assert.equal(peerIp("127.0.0.1:50123"), "127.0.0.1");
  assert.equal(peerIp("::1:50123"), "::1");
  assert.equal(peerIp("2001:db8::7:443"), "2001:db8::7");
  assert.equal(peerIp("::ffff:10.0.0.5:50123"), "10.0.0.5");
  assert.equal(peerIp("unknown"), "unknown");
});

test("clientKey: the principal alone when there is one; else vigil-client@IP, bounded, or the IP", () => {
  const key = (entries: Record<string, string>, peer = "10.1.2.3:4000") => {
    const metadata = new Metadata();
    for (const [k, v] of Object.entries(entries)) metadata.set(k, v);
    return clientKey({ metadata, getPeer: () => peer });
  };
  assert.equal(key({ "vigil-principal": "bot", "vigil-client": "other" }), "bot");
  assert.equal(key({ "vigil-client": "worker-1" }), "worker-1@10.1.2.3");
  assert.equal(key({ "vigil-client": "w" }, "10.1.2.3:4001"), "w@10.1.2.3", "any port of the IP");
  assert.equal(key({}), "10.1.2.3");
  assert.equal(key({ "vigil-client": "x".repeat(1000) }), `${"x".repeat(128)}@10.1.2.3`);
});
