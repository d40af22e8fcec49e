// Problem statements are Markdown written by whoever stored the
// problem: rendered with raw HTML off (markdown-it escapes it) and links
// only to http(s), mailto or within the page.

import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

const defaultValidate = md.validateLink;
md.validateLink = (url) => defaultValidate(url)
    && /^(https?:|mailto:|#|[^:]*$)/i.test(url.trim());

// Links open in a new tab without giving it this page.
const defaultOpen = md.renderer.rules.link_open
    || ((tokens, i, options, env, self) =>
        self.renderToken(tokens, i, options));
md.renderer.rules.link_open = (tokens, i, options, env, self) => {
    tokens[i].attrSet('rel', 'noopener noreferrer nofollow');
    tokens[i].attrSet('target', '_blank');
    return defaultOpen(tokens, i, options, env, self);
};

// The statement as HTML safe to put into the page.
export function renderMarkdown(text) {
    return md.render(String(text || ''));
}
