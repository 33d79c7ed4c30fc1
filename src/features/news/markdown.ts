import MarkdownIt from "markdown-it";

/**
 * The town's « simple formatting »: paragraphs, emphasis, lists, headings and links. Raw HTML
 * is never passed through (html: false escapes it), links to javascript:, vbscript:, file: or
 * data: are refused by markdown-it's own validator, and images and tables are switched off.
 */
const md = new MarkdownIt("default", { html: false, linkify: false, typographer: false }).disable([
  "image",
  "table",
  "html_block",
  "html_inline",
]);

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet("rel", "noopener noreferrer");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Safe HTML for a news item or an information page. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
