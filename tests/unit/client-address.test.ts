import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env.ts";
import { clientAddress } from "../../src/http/client-address.ts";

describe("clientAddress: only the trusted proxies' entries count", () => {
  it("without a proxy, the socket's peer whatever the header says", () => {
    expect(clientAddress("1.2.3.4", "192.0.2.10", 0)).toBe("192.0.2.10");
  });

  it("one proxy: the entry it appended, never the client's own prefix", () => {
    expect(clientAddress("6.6.6.6, 198.51.100.7", "10.0.0.2", 1)).toBe("198.51.100.7");
    expect(clientAddress("198.51.100.7", "10.0.0.2", 1)).toBe("198.51.100.7");
  });

  it("two proxies: the entry the farther one appended", () => {
    expect(clientAddress("6.6.6.6, 198.51.100.7, 10.0.0.9", "10.0.0.2", 2)).toBe("198.51.100.7");
  });

  it("a missing or malformed entry falls back to the peer", () => {
    expect(clientAddress(undefined, "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(clientAddress("not-an-ip", "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(clientAddress("198.51.100.7", "10.0.0.2", 2)).toBe("10.0.0.2");
  });

  it("TRUST_PROXY reads a number of hops; true and false stay accepted", () => {
    expect(loadEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(1);
    expect(loadEnv({ TRUST_PROXY: "false" }).TRUST_PROXY).toBe(0);
    expect(loadEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(loadEnv({}).TRUST_PROXY).toBe(0);
    expect(() => loadEnv({ TRUST_PROXY: "maybe" })).toThrow();
  });
});
