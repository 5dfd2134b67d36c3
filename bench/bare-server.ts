/**
 * The baseline: a bare grpc-js server on the same contract (same proto-loader
 * definitions, same codec) whose handlers only decode and answer. It is the
 * limit of this stack on this machine; Vigil is measured against it.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { loadVigilProto } from "../src/proto.js";

const { proto } = loadVigilProto();
const v1 = proto.vigil.v1;
const server = new Server({ "grpc.max_receive_message_length": 4 * 1024 * 1024 });
server.addService(v1.HeartbeatService.service, {
  Beat: (_call: unknown, cb: (e: null, r: object) => void) => cb(null, {}),
});
server.addService(v1.MetricsService.service, {
  RecordStream: (call: NodeJS.EventEmitter, cb: (e: null, r: object) => void) => {
    let points = 0;
    call.on("data", (req: { points: unknown[] }) => {
      points += req.points.length;
    });
    call.on("end", () => cb(null, { accepted: points }));
  },
});
const health = new HealthImplementation({ "": "SERVING" });
health.addToServer(server);
server.bindAsync(process.argv[2] ?? "127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on("SIGTERM", () => server.forceShutdown());
