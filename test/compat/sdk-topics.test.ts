/** The official pocketbase SDK subscribes to custom topics exactly as to PocketBase's custom messages. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { installEventSource } from "../helpers/event-source";
import { sdkClient } from "./sdk-client";

// Another app over the same bindings: its publishes reach the hubs the default Worker's clients subscribe on.
const app = createEdgebase({ logLevel: "off" });
let restore = () => {};

beforeAll(() => {
  restore = installEventSource();
});

afterAll(() => restore());

describe("pb.realtime.subscribe on a custom topic", () => {
  it("receives what app.realtime.publish sends, until it unsubscribes", async () => {
    const pb = sdkClient();
    const got: unknown[] = [];
    let resolve = () => {};
    const first = new Promise<void>((r) => {
      resolve = r;
    });
    const unsubscribe = await pb.realtime.subscribe("sdkchat/room1", (data) => {
      got.push(data);
      resolve();
    });
    expect(pb.realtime.isConnected).toBe(true);
    expect(await app.realtime.publish("sdkchat/room1", { text: "hello", n: 1 })).toEqual({ delivered: 1 });
    await first;
    expect(got).toEqual([{ text: "hello", n: 1 }]);

    // With another topic left, the SDK sends the shorter list (with none left it would just disconnect).
    await pb.realtime.subscribe("sdkchat/room2", () => {});
    await unsubscribe();
    expect(await app.realtime.publish("sdkchat/room1", { text: "gone" })).toEqual({ delivered: 0 });
    expect(got).toHaveLength(1);
    await pb.realtime.unsubscribe();
  });

  it("gets a clear 400 for a topic that is neither a collection's nor a custom topic", async () => {
    const pb = sdkClient();
    const error = await pb.realtime.subscribe("sdkchat/*", () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400 });
    expect(String((error as { response: { message: string } }).response.message)).toMatch(/custom topic/);
    await pb.realtime.unsubscribe();
  });
});
