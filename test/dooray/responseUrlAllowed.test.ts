import { describe, expect, it } from "vitest";
import { responseUrlAllowed } from "../../handler/dooray/responseUrlAllowed.js";

const DOORAY = ["*.dooray.com"];

describe("responseUrlAllowed", () => {
  it.each([
    "https://guide.dooray.com/messenger/api/commands/hook/abc",
    "https://GUIDE.Dooray.COM/messenger/api/commands/hook/abc",
    "https://a.b.dooray.com:8443/hook",
  ])("accepts a Dooray subdomain: %s", (url) => {
    expect(responseUrlAllowed(url, DOORAY, false)).toEqual({ ok: true });
  });

  it.each([
    ["the bare domain", "https://dooray.com/hook"],
    ["a look-alike suffix", "https://dooray.com.evil.io/hook"],
    ["a look-alike label", "https://evildooray.com/hook"],
    ["an IP dressed as a subdomain", "https://127.0.0.1.evil.example/hook"],
    ["userinfo pointing elsewhere", "https://guide.dooray.com@evil.io/hook"],
    ["userinfo with a Dooray host", "https://evil:x@guide.dooray.com/hook"],
    ["an IP literal not listed", "https://127.0.0.1/hook"],
    ["an IP in hex", "https://0x7f.1/hook"],
    ["IPv6 loopback", "https://[::1]/hook"],
    ["plain http", "http://guide.dooray.com/hook"],
    ["another scheme", "ftp://guide.dooray.com/hook"],
    ["a trailing dot", "https://guide.dooray.com./hook"],
    ["javascript", "javascript:alert(1)"],
  ])("refuses %s with 403", (_label, url) => {
    const result = responseUrlAllowed(url, DOORAY, false);
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it.each(["not a url", "", "https://", "//guide.dooray.com/hook"])("answers 400 to an unparsable URL: %j", (url) => {
    expect(responseUrlAllowed(url, DOORAY, false)).toMatchObject({ ok: false, status: 400 });
  });

  it("lets http through only when insecure URLs are allowed, and still checks the host", () => {
    expect(responseUrlAllowed("http://127.0.0.1:9999/hook", ["127.0.0.1"], true)).toEqual({ ok: true });
    expect(responseUrlAllowed("http://127.0.0.1:9999/hook", ["127.0.0.1"], false)).toMatchObject({ ok: false, status: 403 });
    expect(responseUrlAllowed("http://127.0.0.2:9999/hook", ["127.0.0.1"], true)).toMatchObject({ ok: false, status: 403 });
  });

  it("compares IP literals after normalisation, so other spellings of a listed IP match it", () => {
    expect(responseUrlAllowed("https://2130706433/hook", ["127.0.0.1"], false)).toEqual({ ok: true });
    expect(responseUrlAllowed("https://[::1]:8443/hook", ["[::1]"], false)).toEqual({ ok: true });
  });
});
