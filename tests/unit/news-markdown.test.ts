import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/features/news/markdown.ts";

describe("news formatting", () => {
  it("renders the simple subset: emphasis, lists, links", () => {
    const html = renderMarkdown(
      "**Menu** de *mars*\n\n- lundi\n- mardi\n\n[Programme](https://example.fr/p)",
    );
    expect(html).toContain("<strong>Menu</strong> de <em>mars</em>");
    expect(html).toContain("<li>lundi</li>");
    expect(html).toContain('<a href="https://example.fr/p" rel="noopener noreferrer">Programme</a>');
  });

  it("never lets raw HTML, scripts or dangerous links through", () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[clic](javascript:alert(3)) ![i](data:image/png;base64,AAAA)',
    );
    expect(html).not.toMatch(/<script|<img|href="javascript/);
    expect(html).toContain("&lt;script&gt;");
  });
});
