/**
 * The router benchmark's transport floor: Vigil's RouterService API served by
 * bare grpc-js from the same proto, in memory, with no storage, routing,
 * tracing or metrics. A publish is answered at once and handed to the one
 * subscriber (within its max_in_flight); an Ack frees the slots. What this
 * process spends per message is what grpc-js and Node's HTTP/2 cost before
 * Vigil does anything.
 *
 *   node --import tsx bench/grpc-floor-server.ts <port>    prints "ready" once listening
 */
import { Server, ServerCredentials, type ServerDuplexStream, type ServerWritableStream } from "@grpc/grpc-js";
import type { Delivery } from "../src/generated/vigil/v1/Delivery.js";
import type { PublishRequest__Output } from "../src/generated/vigil/v1/PublishRequest.js";
import type { PublishResponse } from "../src/generated/vigil/v1/PublishResponse.js";
import type { SubscribeRequest__Output } from "../src/generated/vigil/v1/SubscribeRequest.js";
import { loadVigilProto } from "../src/proto.js";

const port = Number(process.argv[2]);
const queue: Delivery[] = [];
let subscriber: ServerWritableStream<SubscribeRequest__Output, Delivery> | null = null;
let free = 0;
let next = 0;
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

function pump(): void {
  while (subscriber && free > 0 && queue.length > 0) {
    free--;
    subscriber.write(queue.shift() as Delivery);
  }
}

const server = new Server();
server.addService(loadVigilProto().proto.vigil.v1.RouterService.service, {
  PublishStream: (call: ServerDuplexStream<PublishRequest__Output, PublishResponse>) => {
    call.on("data", (req: PublishRequest__Output) => {
      const id = String(++next);
      // The fields Vigil's deliveries carry, so both send the same bytes.
      queue.push({
        message_id: id,
        topic: req.topic,
        payload: req.payload,
        priority: "PRIORITY_NORMAL",
        attempt: 1,
        traceparent: TRACEPARENT,
        published_at: { seconds: Math.floor(Date.now() / 1000), nanos: 0 },
      });
      call.write({ message_id: id, duplicate: false, routed: 1 });
      pump();
    });
    call.on("end", () => call.end());
  },
  Subscribe: (call: ServerWritableStream<SubscribeRequest__Output, Delivery>) => {
    subscriber = call;
    free = call.request.max_in_flight || 256;
    call.on("cancelled", () => {
      if (subscriber === call) subscriber = null;
    });
    pump();
  },
  Ack: (call: { request: { message_ids?: string[] } }, cb: (e: null, r: { acked: number }) => void) => {
    const n = call.request.message_ids?.length ?? 0;
    free += n;
    cb(null, { acked: n });
    pump();
  },
});
server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (e) => {
  if (e) throw e;
  process.stdout.write("ready\n");
});
